/**
 * The due index: a small pointer per thing that falls due at a minute, sharded by customer, with a
 * cursor per shard that says up to which minute the shard is done and when its next pointer is.
 */
export type DueRef =
  /** An instance's timer: advance it with `timerFired: at`. */
  | { kind: 'wake'; instanceId: string }
  /** The customer's outbox: sends deferred to this slot, or a dispatch to finish after a crash. */
  | { kind: 'dispatch' }
  /** A date trigger (birthday) of a journey comes round. */
  | { kind: 'date'; journeyId: string };

export interface DuePointer {
  shopId: string;
  customerId: string;
  /** The exact instant (ISO) the thing fell due; the pointer sits in its minute, unless retried. */
  at: string;
  ref: DueRef;
  /** A pointer run again after its customer's run failed: the attempt, and the instant it sits at. */
  retry?: { attempt: number; at: string };
}

/** The instant a pointer is placed at: when it fell due, or when it is tried again. */
export const placedAt = (p: DuePointer): string => p.retry?.at ?? p.at;

export interface ShardCursor {
  shard: number;
  /** With `nextAt`, where a run reads from: every minute up to the earlier of this and the one before `nextAt` is done. */
  doneThrough: string | null;
  /** No pointer of the shard sits before this minute, unless a run holds the claim (writers lower it); null: none known. */
  nextAt: string | null;
  /** Writers' count: every `add` and `lower` bumps it, whether or not it lowered `nextAt`. */
  writes: number;
  /** The run working on the shard, if any: its token until its final move. */
  claim: string | null;
}

/** Where a move puts the cursor. */
export type CursorMove = Pick<ShardCursor, 'doneThrough' | 'nextAt' | 'claim'>;

export interface DueIndex {
  readonly shards: number;
  shardOf(shopId: string, customerId: string): number;
  /** Writes pointers (the same pointer twice is one) and lowers their shards' nextAt. */
  add(pointers: DuePointer[]): Promise<void>;
  /** Counts a write on the shard and lowers its nextAt to `minute` if it is later (as `add` does for its pointers). */
  lower(shard: number, minute: string): Promise<void>;
  /** Withdraws pointers no longer wanted (a cancelled wake); firing one anyway is harmless. */
  remove(pointers: DuePointer[]): Promise<void>;
  /** Every shard's cursor, in one read. */
  cursors(): Promise<ShardCursor[]>;
  /**
   * A shard's pointers in the minutes after `after` up to and including `through`, in time order.
   * Reads are strongly consistent: a pointer whose writer has lowered the mark is always seen.
   */
  dueIn(shard: number, after: string, through: string): Promise<DuePointer[]>;
  /** The minute of the shard's first pointer after `after`, looking at most `days` days ahead. */
  firstAfter(shard: number, after: string, days: number): Promise<string | null>;
  /**
   * Moves the cursor from what was read to `next` if it still is as read (its writes count too, with
   * `unlessWritten`); returns the cursor as moved, or null when it had changed.
   */
  moveCursor(
    read: ShardCursor,
    next: CursorMove,
    options?: { unlessWritten?: boolean },
  ): Promise<ShardCursor | null>;
}
