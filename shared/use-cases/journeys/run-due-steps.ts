import { dueMinuteOf, minuteAfter } from '../../adapters/dynamodb/keys.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { DueIndex, DuePointer, ShardCursor } from '../../ports/journeys/due-index.js';
import { type RuntimeDeps, runCustomer } from './journey-runtime.js';

/**
 * The minute tick. One read of every shard's cursor says which shards have anything due; an idle
 * minute ends there. Each busy shard runs on its own (a fan-out per shard): it reads its pointers
 * from its cursor up to this minute, runs each customer's, and only then moves its cursor. A tick
 * that fails, or never came, leaves the cursor where it was, and the next tick resumes from it.
 */

export interface TickDeps extends RuntimeDeps {
  due: DueIndex;
  shopSettings: (shopId: string) => Promise<ShopSettings>;
  onShardFailure?: (shard: number, error: unknown) => void;
}

export interface TickResult {
  /** Send requests queued (sent or withheld). */
  queued: number;
  /** Shards that had work, and those of them that failed (their cursor did not move). */
  busyShards: number;
  failedShards: number;
  /** The earliest minute any shard has something due after this tick (ISO), or null: none known. */
  nextDueAt: string | null;
}

/** How far one run catches up a shard that fell behind; the next tick goes on from there. */
const maxCatchUpMinutes = 7 * 1440;
/** How far ahead a shard looks for its next pointer; beyond, it looks again when this much has passed. */
const lookAheadDays = 35;
const customersInParallel = 8;

/** Runs the minute `scheduledAt` stands for (EventBridge's `time`): everything due at or before it. */
export async function runDueSteps(deps: TickDeps, scheduledAt: Date): Promise<TickResult> {
  const through = dueMinuteOf(new Date(Math.floor(scheduledAt.getTime() / 60_000) * 60_000));
  const cursors = await deps.due.cursors();
  const busy = cursors.filter((c) => c.nextAt !== null && c.nextAt <= through);
  const outcomes = await Promise.allSettled(busy.map((c) => runShard(deps, c, through)));
  let queued = 0;
  let failedShards = 0;
  const next: string[] = cursors.filter((c) => !busy.includes(c) && c.nextAt).map((c) => c.nextAt as string);
  outcomes.forEach((o, i) => {
    if (o.status === 'fulfilled') {
      queued += o.value.queued;
      if (o.value.nextAt) next.push(o.value.nextAt);
    } else {
      failedShards += 1;
      deps.onShardFailure?.((busy[i] as ShardCursor).shard, o.reason);
      next.push(through);
    }
  });
  return { queued, busyShards: busy.length, failedShards, nextDueAt: next.sort()[0] ?? null };
}

function earlier(a: string, b: string): string {
  return a < b ? a : b;
}

/** The shard's cursor as it is now. */
async function cursorOf(deps: TickDeps, shard: number): Promise<ShardCursor> {
  return (await deps.due.cursors()).find((c) => c.shard === shard) as ShardCursor;
}

/**
 * Runs one busy shard. Writers add pointers while it runs (the stream, other customers' runs) and
 * lower the mark only when it is later than their pointer, so the run first claims the shard by
 * moving the mark to just past the minutes it will read: a pointer written after its read, at or
 * before those minutes, then lowers the mark, the final move sees that and keeps it. A pointer later
 * than those minutes, written after the run looked ahead, is looked for once more after the move.
 */
async function runShard(
  deps: TickDeps,
  read: ShardCursor,
  through: string,
): Promise<{ queued: number; nextAt: string | null }> {
  let cursor = read;
  let after: string;
  let until: string;
  for (;;) {
    const nextAt = cursor.nextAt as string;
    // From the cursor, or from just before the mark when a late write put a pointer behind it.
    after = earlier(cursor.doneThrough ?? minuteAfter(nextAt, -1), minuteAfter(nextAt, -1));
    until = earlier(through, minuteAfter(after, maxCatchUpMinutes));
    // Every minute through `after` is done; none after it is yet, whatever this run does.
    const claimed: ShardCursor = { shard: cursor.shard, doneThrough: after, nextAt: minuteAfter(until) };
    if (await deps.due.moveCursor(cursor, claimed)) {
      cursor = claimed;
      break;
    }
    const now = await cursorOf(deps, cursor.shard);
    // Another tick moved it on, or claimed it and runs it now (a tick that dies leaves the mark due).
    if (now.doneThrough !== cursor.doneThrough || now.nextAt === null || now.nextAt > through)
      return { queued: 0, nextAt: now.nextAt };
    cursor = now;
  }
  const queued = await runPointers(deps, await deps.due.dueIn(cursor.shard, after, until));
  const found = await deps.due.firstAfter(cursor.shard, until, lookAheadDays);
  const nextAt = found ?? minuteAfter(until, lookAheadDays * 1440);
  // Nothing sits before the next pointer: the minutes up to it are done too, so a pointer written
  // weeks from now, when the shard wakes, is read from its own minute, not caught up to a week a tick.
  let next: ShardCursor = { shard: cursor.shard, doneThrough: minuteAfter(nextAt, -1), nextAt };
  for (let seen = cursor; !(await deps.due.moveCursor(seen, next)); ) {
    const now = await cursorOf(deps, cursor.shard);
    // Another tick moved it: that tick owns the cursor now.
    if (now.doneThrough !== cursor.doneThrough) return { queued, nextAt: now.nextAt };
    // A writer lowered the mark meanwhile (or another run claimed it): keep the lower one.
    next = {
      ...next,
      nextAt: now.nextAt === null ? next.nextAt : earlier(now.nextAt, next.nextAt as string),
    };
    seen = now;
  }
  // A pointer written between the look ahead and the move found the claimed mark already earlier than
  // it and left it there; the move then set the mark past it. Writers after the move lower it themselves.
  const since = await deps.due.firstAfter(cursor.shard, until, lookAheadDays);
  if (since !== null && since < (next.nextAt as string)) {
    await deps.due.lower(cursor.shard, since);
    return { queued, nextAt: since };
  }
  return { queued, nextAt: next.nextAt };
}

/** Runs each customer's pointers; every customer is tried, and a failure fails the run (the cursor stays). */
async function runPointers(deps: TickDeps, pointers: DuePointer[]): Promise<number> {
  const byCustomer = new Map<string, DuePointer[]>();
  for (const p of pointers) {
    const key = JSON.stringify([p.shopId, p.customerId]);
    byCustomer.set(key, [...(byCustomer.get(key) ?? []), p]);
  }
  let queued = 0;
  const failures: unknown[] = [];
  const groups = [...byCustomer.values()];
  const worker = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      const first = group[0] as DuePointer;
      try {
        const shop = await deps.shopSettings(first.shopId).catch((error: unknown) => {
          if (error instanceof NotFoundError) return null;
          throw error;
        });
        // A shop that is gone has nothing left to run: its pointers are passed over, never keep the shard.
        if (!shop) continue;
        const inputs = group.map((pointer) => ({ kind: 'pointer' as const, pointer }));
        queued += (await runCustomer(deps, shop, first.customerId, inputs)).length;
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(customersInParallel, groups.length) }, worker));
  if (failures.length > 0) throw failures[0];
  return queued;
}
