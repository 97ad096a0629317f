import { randomUUID } from 'node:crypto';
import { dueMinuteOf, minuteAfter, minuteStart } from '../../adapters/dynamodb/keys.js';
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
  /** A customer's run failed; its pointers are tried again at `retryAt`, or, with null, given up. */
  onCustomerFailure?: (pointers: DuePointer[], error: unknown, retryAt: string | null) => void;
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
/**
 * How often a customer whose run fails is tried again before it is given up (logged): after 1, 2,
 * 4, … minutes, then hourly, about a day in all. A failing customer never holds its shard back:
 * the others' steps run on time and the cursor moves on.
 */
export const maxStepAttempts = 30;
const retryMinutes = (attempt: number) => Math.min(60, 2 ** (attempt - 1));

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
 * Runs one busy shard. Writers add pointers while it runs (the stream, other customers' runs): each
 * counts itself on the cursor and lowers the mark only when it is later than its pointer. So the run
 * first claims the shard (its token, the mark just past the minutes it reads); a writer at or before
 * those minutes then lowers the mark. At the end the run skips the mark ahead to the next pointer
 * only if no writer counted itself since the claim; otherwise it moves on one minute (the next tick
 * looks again), keeping any lower mark. A run that dies leaves its claim, which the next takes over
 * from the same place; a run whose claim another took leaves the cursor to that one.
 */
async function runShard(
  deps: TickDeps,
  read: ShardCursor,
  through: string,
): Promise<{ queued: number; nextAt: string | null }> {
  const token = randomUUID();
  let cursor = read;
  let claimed: ShardCursor | null;
  let after: string;
  let until: string;
  for (;;) {
    const nextAt = cursor.nextAt as string;
    // From the cursor, or from just before the mark when a late write put a pointer behind it.
    after = earlier(cursor.doneThrough ?? minuteAfter(nextAt, -1), minuteAfter(nextAt, -1));
    until = earlier(through, minuteAfter(after, maxCatchUpMinutes));
    claimed = await deps.due.moveCursor(cursor, {
      doneThrough: after,
      nextAt: minuteAfter(until),
      claim: token,
    });
    if (claimed) break;
    cursor = await cursorOf(deps, cursor.shard);
    // Moved on meanwhile, or another run claimed it since (a run that dies leaves its claim due).
    if (cursor.nextAt === null || cursor.nextAt > through) return { queued: 0, nextAt: cursor.nextAt };
  }
  const queued = await runPointers(deps, await deps.due.dueIn(claimed.shard, after, until), through);
  const found = await deps.due.firstAfter(claimed.shard, until, lookAheadDays);
  const ahead = found ?? minuteAfter(until, lookAheadDays * 1440);
  // Nothing sits before the next pointer: the minutes up to it are done too, so a shard that wakes
  // weeks from now is read from its new pointer, not caught up a week a tick.
  const skipped = await deps.due.moveCursor(
    claimed,
    { doneThrough: minuteAfter(ahead, -1), nextAt: ahead, claim: null },
    { unlessWritten: true },
  );
  if (skipped) return { queued, nextAt: ahead };
  // A writer came meanwhile: its pointer may be after the look-ahead read, so only this run's minutes
  // are done; the mark stays just past them, or lower where a writer put it.
  for (
    let now = await cursorOf(deps, claimed.shard);
    now.claim === token;
    now = await cursorOf(deps, claimed.shard)
  ) {
    const nextAt = earlier(now.nextAt ?? minuteAfter(until), minuteAfter(until));
    if (await deps.due.moveCursor(now, { doneThrough: until, nextAt, claim: null }))
      return { queued, nextAt };
  }
  // Another run claimed the shard after this one: it reads from where this one did, and moves it.
  return { queued, nextAt: minuteAfter(until) };
}

/**
 * Runs each customer's pointers; every customer is tried. A customer whose run fails gets its
 * pointers again at a later minute (a retry, in the same shard), so the run still succeeds and the
 * cursor moves on; only when that write fails does the run fail (the cursor stays).
 */
async function runPointers(deps: TickDeps, pointers: DuePointer[], through: string): Promise<number> {
  const byCustomer = new Map<string, DuePointer[]>();
  for (const p of pointers) {
    const key = JSON.stringify([p.shopId, p.customerId]);
    byCustomer.set(key, [...(byCustomer.get(key) ?? []), p]);
  }
  let queued = 0;
  const retries: DuePointer[] = [];
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
        const attempt = Math.max(...group.map((p) => p.retry?.attempt ?? 0)) + 1;
        if (attempt > maxStepAttempts) {
          deps.onCustomerFailure?.(group, error, null);
          continue;
        }
        // From the tick's own minute, so a run that catches up does not put its retries in the past.
        const at = minuteStart(minuteAfter(through, retryMinutes(attempt))).toISOString();
        retries.push(...group.map((p) => ({ ...p, retry: { attempt, at } })));
        deps.onCustomerFailure?.(group, error, at);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(customersInParallel, groups.length) }, worker));
  if (retries.length > 0) await deps.due.add(retries);
  return queued;
}
