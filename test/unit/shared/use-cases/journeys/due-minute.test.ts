import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  type DynamoDBDocumentClientResolvedConfig,
  QueryCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDueIndex } from '../../../../../shared/adapters/dynamodb/due-step-store.js';
import { dueMinuteOf, minuteAfter } from '../../../../../shared/adapters/dynamodb/keys.js';
import { parseDefinition } from '../../../../../shared/domain/journeys/definition.js';
import { start } from '../../../../../shared/domain/journeys/interpreter.js';
import { localOf } from '../../../../../shared/domain/journeys/time.js';
import type { DuePointer } from '../../../../../shared/ports/journeys/due-index.js';
import { runDueSteps } from '../../../../../shared/use-cases/journeys/run-due-steps.js';
import type { FakeDueIndex } from '../../../../support/fakes/journeys.js';
import { journeysWorld } from '../../../../support/journeys-world.js';
import { customer, event } from '../../domain/journeys/harness.js';

/**
 * The due index by minute, across time zones and DST: a pointer at any instant is run by the tick
 * of its minute (the first minute boundary at or after it), exactly once and never earlier; and a
 * wait until 09:00 shop time puts its pointer on a real 09:00 of the shop's clock.
 */

const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Shanghai'];
// 2026 with every zone's clock changes (New York 8 Mar / 1 Nov, London 29 Mar / 25 Oct, Sydney
// 5 Apr / 4 Oct), to the millisecond.
const instant = fc.integer({
  min: Date.parse('2026-03-01T00:00:00Z'),
  max: Date.parse('2026-11-15T00:00:00Z'),
});
const minuteMs = 60_000;

const nineOClock = parseDefinition({
  id: 'morning',
  version: 1,
  name: 'Morning',
  trigger: { type: 'event', event: 'signed_up' },
  steps: [
    { id: 'until', type: 'waitUntil', at: '09:00', zone: 'shop' },
    { id: 'hello', type: 'send', channel: 'email', template: 'hello', purpose: 'marketing' },
  ],
});

/** Where a wait until 09:00 shop time, started at `now` in a shop in `zone`, puts its pointer (or null: it is 09:00 now). */
function nineOClockWake(zone: string, now: number): number | null {
  const started = start(
    nineOClock,
    { ...event('signed_up'), occurredAt: new Date(now).toISOString() },
    customer({ shopTimeZone: zone }),
    new Date(now),
  );
  const wake = started?.actions.find((a) => a.type === 'wakeAt');
  return wake?.type === 'wakeAt' ? Date.parse(wake.at) : null;
}

/** Within two minutes of a UTC midnight, where a tick's read spans two day partitions. */
const nearMidnight = fc
  .tuple(fc.integer({ min: 0, max: 250 }), fc.integer({ min: -2 * 60_000, max: 2 * 60_000 }))
  .map(([day, offset]) => Date.parse('2026-03-01T00:00:00Z') + day * 86_400_000 + offset);

/** A pointer at `at`: any instant, one near midnight, or where a 09:00 wait puts it. */
const pointerAt = fc.oneof(
  instant,
  nearMidnight,
  fc.tuple(fc.constantFrom(...zones), instant).map(([zone, now]) => nineOClockWake(zone, now) ?? now),
);

/** The minute ticks from a few minutes before `at` to a few after, as EventBridge fires them. */
function ticksAround(at: number): number[] {
  const first = Math.floor(at / minuteMs) * minuteMs - 3 * minuteMs;
  return Array.from({ length: 7 }, (_, i) => first + i * minuteMs);
}

const pointer = (at: number): DuePointer => ({
  shopId: 'tea',
  customerId: 'c1',
  at: new Date(at).toISOString(),
  ref: { kind: 'dispatch' },
});

/** The ticks (as `tickNow` tells) whose read of the due index returned the pointer at `at`, once per read. */
function readsOf(due: FakeDueIndex, at: string, tickNow: () => number): number[] {
  const ranAt: number[] = [];
  const read = due.dueIn.bind(due);
  due.dueIn = async (shard, after, through) => {
    const found = await read(shard, after, through);
    for (const p of found) if (p.at === at) ranAt.push(tickNow());
    return found;
  };
  return ranAt;
}

describe('a wait until 09:00 shop time', () => {
  it('wakes at the first 09:00 of the shop’s clock after it starts, on any day of the year, DST or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instant, (zone, now) => {
        const at = nineOClockWake(zone, now);
        if (at === null) {
          // Already 09:00 there: it goes on at once.
          const local = localOf(new Date(now), zone);
          expect([local.hour, local.minute]).toEqual([9, 0]);
          return;
        }
        const local = localOf(new Date(at), zone);
        // 09:00 is never in a gap these zones' clocks skip (they change at 01:00 to 03:00).
        expect([local.hour, local.minute, new Date(at).getUTCSeconds()]).toEqual([9, 0, 0]);
        expect(at).toBeGreaterThan(now);
        // The first such 09:00: none came between the start and it (a day is 23 to 25 hours).
        expect(at - now).toBeLessThanOrEqual(25 * 3_600_000);
        const dayBefore = localOf(new Date(at - 23 * 3_600_000), zone);
        if (at - now > 23 * 3_600_000) expect(dayBefore.hour * 60 + dayBefore.minute).not.toBe(9 * 60);
      }),
    );
  });
});

describe('the minute tick', () => {
  it('runs a pointer at any instant exactly once, in the minute it falls due and never earlier', async () => {
    await fc.assert(
      fc.asyncProperty(pointerAt, async (at) => {
        const w = journeysWorld();
        let tick = 0;
        const ranAt = readsOf(w.due, new Date(at).toISOString(), () => tick);
        await w.due.add([pointer(at)]);
        for (tick of ticksAround(at)) await runDueSteps(w.deps, new Date(tick));
        expect(ranAt).toHaveLength(1);
        const [when] = ranAt as [number];
        expect(when).toBeGreaterThanOrEqual(at);
        expect(when - at).toBeLessThan(minuteMs);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a shard idle for months', () => {
  it('runs a pointer written for tomorrow at its minute, not a week of catching up per tick later', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 3 * 1440 }),
        async (idleDays, inMinutes) => {
          const w = journeysWorld();
          const lastRun = Date.parse('2026-01-05T08:00:00Z');
          await w.due.add([pointer(lastRun)]);
          await runDueSteps(w.deps, new Date(lastRun));
          let tick = lastRun + minuteMs;
          // Ticks as the local clock fires them: each minute something may be due, jumping idle ones.
          const tickUntil = async (end: number) => {
            for (; tick <= end; tick += minuteMs) {
              const { nextDueAt } = await runDueSteps(w.deps, new Date(tick));
              const next = nextDueAt ? Date.parse(`${nextDueAt}:00Z`) : Number.POSITIVE_INFINITY;
              // (Ticks stay on minute boundaries: the jump lands on one.)
              if (next > tick + minuteMs)
                tick = Math.min(next, Math.floor(end / minuteMs) * minuteMs + minuteMs) - minuteMs;
            }
          };
          // Months later a customer of the same shard starts a wait.
          const written = lastRun + idleDays * 86_400_000 + 17_000;
          await tickUntil(written);
          const at = written + inMinutes * minuteMs;
          await w.due.add([pointer(at)]);
          const ranAt = readsOf(w.due, new Date(at).toISOString(), () => tick);
          const dueTick = Math.ceil(at / minuteMs) * minuteMs;
          await tickUntil(dueTick);
          expect(ranAt).toEqual([dueTick]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** Where in a tick's run of a shard another writer's pointer lands: after which of the tick's requests. */
const writePoints = ['cursors', 'moveCursor', 'dueIn', 'firstAfter'] as const;

describe('a pointer written while a tick runs its shard', () => {
  it('is run at its minute, or at the next tick when its minute has passed: never lost, never left for later', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writePoints),
        // Which of the tick's requests of that kind (a run reads cursors and moves the cursor more than once).
        fc.integer({ min: 1, max: 3 }),
        // The new pointer's minute against the tick's: already passed, this one, or soon after.
        fc.integer({ min: -3, max: 45 }),
        // And the tick may die at its next request of a kind after the write (throttled, timed out).
        fc.option(fc.constantFrom(...writePoints), { nil: undefined }),
        async (point, nth, offset, crash) => {
          const w = journeysWorld();
          const tickAt = Date.parse('2026-06-01T10:00:00Z');
          // The shard is busy at the tick: something of the same customer's was due a minute before.
          await w.due.add([pointer(tickAt - minuteMs)]);
          const late = pointer(tickAt + offset * minuteMs + 7_000);
          let tick = tickAt;
          const ranAt = readsOf(w.due, late.at, () => tick);
          const due = w.due as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
          let calls = 0;
          let written = false;
          const original = due[point]?.bind(w.due) as (...args: unknown[]) => Promise<unknown>;
          due[point] = async (...args: unknown[]) => {
            const result = await original(...args);
            if (!written && ++calls === nth) {
              written = true;
              await w.due.add([late]);
              if (crash) w.due.faults.failNext(crash === 'firstAfter' ? 'dueIn' : crash);
            }
            return result;
          };
          await runDueSteps(w.deps, new Date(tick)).catch(() => undefined);
          // A failure planted for this tick that it never met does not carry over to the next.
          w.due.faults.clear();
          due[point] = original;
          if (!written) await w.due.add([late]); // That request came fewer times: written after the tick.
          const dueTick = Math.ceil(Date.parse(late.at) / minuteMs) * minuteMs;
          const expected = Math.max(dueTick, tickAt + minuteMs);
          for (tick = tickAt + minuteMs; tick <= expected; tick += minuteMs) {
            await runDueSteps(w.deps, new Date(tick));
            if (ranAt.length > 0) break;
          }
          // Run by the tick that read it, or by the first tick at or after its minute that came after the write.
          expect(ranAt.length).toBeGreaterThan(0);
          expect(ranAt[0]).toBeGreaterThanOrEqual(dueTick - (ranAt[0] === tickAt ? minuteMs : 0));
          expect(ranAt[0]).toBeLessThanOrEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('two ticks on one shard', () => {
  it('lose nothing when a later tick takes over the claim of a slow one and dies', async () => {
    const w = journeysWorld();
    const tickAt = Date.parse('2026-06-01T10:00:00Z');
    await w.due.add([pointer(tickAt - minuteMs)]);
    const late = pointer(tickAt - 30_000);
    let tick = tickAt;
    const ranAt = readsOf(w.due, late.at, () => tick);
    // The 10:00 tick is slow: while it runs its customers, a pointer for 10:00 is written, and the
    // 10:01 tick claims the shard from where 10:00 did, then dies reading it.
    const settings = w.deps.shopSettings;
    let slowed = false;
    w.deps.shopSettings = async (shopId) => {
      if (!slowed) {
        slowed = true;
        await w.due.add([late]);
        w.due.faults.failNext('dueIn');
        await runDueSteps(w.deps, new Date(tickAt + minuteMs)).catch(() => undefined);
      }
      return settings(shopId);
    };
    await runDueSteps(w.deps, new Date(tick));
    w.deps.shopSettings = settings;
    for (tick = tickAt + 2 * minuteMs; tick <= tickAt + 3 * minuteMs && ranAt.length === 0; tick += minuteMs)
      await runDueSteps(w.deps, new Date(tick));
    expect(ranAt).toEqual([tickAt + 2 * minuteMs]);
  });
});

/** DynamoDB as far as the due index's pointers go: batch puts, and sort-key range queries of a partition. */
function pointerTable(
  ddb: AwsStub<ServiceInputTypes, ServiceOutputTypes, DynamoDBDocumentClientResolvedConfig>,
) {
  const items = new Map<string, Record<string, unknown>>();
  ddb.reset();
  ddb.on(BatchWriteCommand).callsFake((input) => {
    for (const requests of Object.values(input.RequestItems ?? {}) as Array<
      Array<{ PutRequest?: { Item: Record<string, unknown> } }>
    >)
      for (const r of requests)
        if (r.PutRequest) items.set(`${r.PutRequest.Item.pk}|${r.PutRequest.Item.sk}`, r.PutRequest.Item);
    return {};
  });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(QueryCommand).callsFake((input) => {
    expect(input.KeyConditionExpression).toBe('pk = :pk AND sk BETWEEN :from AND :to');
    // Strongly consistent: a pointer written just before, whose writer left the mark alone, is seen.
    expect(input.ConsistentRead).toBe(true);
    const v = input.ExpressionAttributeValues as Record<string, string>;
    const found = [...items.values()]
      .filter(
        (i) =>
          i.pk === v[':pk'] &&
          (i.sk as string) >= (v[':from'] as string) &&
          (i.sk as string) <= (v[':to'] as string),
      )
      .sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1));
    return { Items: found };
  });
}

describe('the due index in DynamoDB', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterAll(() => ddb.restore());

  it('files a pointer where the reads of consecutive ticks find it once, at its minute, across days', async () => {
    await fc.assert(
      fc.asyncProperty(pointerAt, async (at) => {
        pointerTable(ddb);
        const index = new DynamoDueIndex(
          DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
          'table',
        );
        const p = pointer(at);
        await index.add([p]);
        const shard = index.shardOf(p.shopId, p.customerId);
        // Each tick reads the minutes after the last one it finished up to its own, as runShard does.
        const ticks = ticksAround(at);
        let done = minuteAfter(dueMinuteOf(new Date(ticks[0] as number)), -1);
        const found: number[] = [];
        for (const tick of ticks) {
          const through = dueMinuteOf(new Date(tick));
          if ((await index.dueIn(shard, done, through)).length > 0) found.push(tick);
          done = through;
        }
        expect(found).toHaveLength(1);
        expect(found[0]).toBeGreaterThanOrEqual(at);
        expect((found[0] as number) - at).toBeLessThan(minuteMs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a retry in the due index in DynamoDB', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterAll(() => ddb.restore());

  it('sits at its own minute, beside the pointer it retries, which keeps the instant it fell due', async () => {
    pointerTable(ddb);
    const index = new DynamoDueIndex(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
      'table',
    );
    const p = pointer(Date.parse('2026-11-02T08:29:30.000Z'));
    const retry = { ...p, retry: { attempt: 3, at: '2026-11-02T08:37:00.000Z' } };
    await index.add([p, retry]);
    const shard = index.shardOf(p.shopId, p.customerId);
    expect(await index.dueIn(shard, '2026-11-02T08:29', '2026-11-02T08:30')).toEqual([p]);
    expect(await index.dueIn(shard, '2026-11-02T08:30', '2026-11-02T08:36')).toEqual([]);
    expect(await index.dueIn(shard, '2026-11-02T08:36', '2026-11-02T08:37')).toEqual([retry]);
  });
});
