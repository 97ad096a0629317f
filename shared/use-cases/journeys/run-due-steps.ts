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

async function runShard(
  deps: TickDeps,
  cursor: ShardCursor,
  through: string,
): Promise<{ queued: number; nextAt: string | null }> {
  const nextAt = cursor.nextAt as string;
  // From the cursor, or from just before the mark when a late write put a pointer behind it.
  const after = earlier(cursor.doneThrough ?? minuteAfter(nextAt, -1), minuteAfter(nextAt, -1));
  const until = earlier(through, minuteAfter(after, maxCatchUpMinutes));
  const pointers = await deps.due.dueIn(cursor.shard, after, until);
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
  // Every customer is tried; one failing keeps the cursor, so the shard's minutes run again.
  if (failures.length > 0) throw failures[0];
  const found = await deps.due.firstAfter(cursor.shard, until, lookAheadDays);
  let next: ShardCursor = {
    shard: cursor.shard,
    doneThrough: until,
    nextAt: found ?? minuteAfter(until, lookAheadDays * 1440),
  };
  for (let read = cursor; !(await deps.due.moveCursor(read, next)); ) {
    const now = (await deps.due.cursors()).find((c) => c.shard === cursor.shard) as ShardCursor;
    // Another tick moved it: that tick owns the cursor now.
    if (now.doneThrough !== cursor.doneThrough) return { queued, nextAt: now.nextAt };
    // A writer lowered the mark meanwhile: keep the lower one.
    next = {
      ...next,
      nextAt: now.nextAt === null ? next.nextAt : earlier(now.nextAt, next.nextAt as string),
    };
    read = now;
  }
  return { queued, nextAt: next.nextAt };
}
