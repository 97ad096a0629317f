import { describe, expect, it } from 'vitest';
import type { DuePointer } from '../../../../../shared/ports/journeys/due-index.js';
import { maxStepAttempts } from '../../../../../shared/use-cases/journeys/run-due-steps.js';
import { ev, journeysWorld } from '../../../../support/journeys-world.js';

/**
 * A customer whose run fails (a bug, bad data, a store that refuses them) must not hold back the
 * other customers of its shard: their timed steps go on time, the shard's cursor moves on, and the
 * failing customer is tried again with growing pauses until it works or, after about a day, is
 * given up and logged.
 */

/** Two customers in one shard, each with an unpaid order placed at 08:00 (reminders due at 08:30). */
async function twoInOneShard() {
  const w = journeysWorld();
  const shard = w.due.shardOf('tea', 'c-1');
  const other = Array.from({ length: 500 }, (_, i) => `c-${i + 2}`).find(
    (id) => w.due.shardOf('tea', id) === shard,
  ) as string;
  await w.person('c-1');
  await w.person(other);
  await w.post([ev.placed('o1', 'SO-1'), ev.placed('o2', 'SO-2', { customerId: other })]);
  const failures: Array<{ customerId: string; retryAt: string | null }> = [];
  w.deps.onCustomerFailure = (pointers: DuePointer[], _error: unknown, retryAt: string | null) =>
    failures.push({ customerId: (pointers[0] as DuePointer).customerId, retryAt });
  /** c-1's runs fail `times` times (every time without a number). */
  const failC1 = (times = Number.POSITIVE_INFINITY) => {
    let left = times;
    w.instances.beforeSave = (record) => {
      if (record.instance.customerId !== 'c-1' || left <= 0) return;
      left -= 1;
      throw new Error('this customer cannot be saved');
    };
  };
  return { w, failures, failC1 };
}

const minutesBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;

describe('a customer whose journey steps keep failing', () => {
  it('holds back no one else in its shard, is tried again with growing pauses, and is given up after about a day', async () => {
    const { w, failures, failC1 } = await twoInOneShard();
    failC1();
    await w.runUntil('2026-11-02T08:30:00.000Z');
    // The other customer's reminder goes at its minute; the shard moved on.
    expect(w.takeLines()).toEqual(['2026-11-02T08:30 unpaid-reminder SO-2']);
    expect((await w.due.cursors())[w.due.shardOf('tea', 'c-1')]?.doneThrough).toBe('2026-11-02T08:30');

    await w.runUntil('2026-11-05T00:00:00.000Z');
    expect(w.takeLines().filter((l) => l.includes('SO-1'))).toEqual([]);
    const mine = failures.filter((f) => f.customerId === 'c-1');
    expect(mine).toHaveLength(maxStepAttempts + 1);
    expect(mine.at(-1)?.retryAt).toBeNull();
    // Retries 1, 2, 4, … minutes after the failed run, then hourly: about a day in all.
    const at = ['2026-11-02T08:30:00.000Z', ...mine.slice(0, -1).map((f) => f.retryAt as string)];
    const pauses = at.slice(1).map((t, i) => minutesBetween(at[i] as string, t));
    expect(pauses.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 32, 60]);
    expect(pauses.every((p) => p <= 60)).toBe(true);
    const span = minutesBetween(at[0] as string, at.at(-1) as string) / 60;
    expect(span).toBeGreaterThan(20);
    expect(span).toBeLessThan(30);
    // Given up: nothing of c-1's is due any more, and no minute is asked for in vain.
    expect((await w.due.cursors()).every((c) => c.nextAt === null || c.nextAt > '2026-11-05T00:00')).toBe(
      true,
    );
  });

  it('sends the step once when the failure passes: the reminder goes at the second retry', async () => {
    const { w, failures, failC1 } = await twoInOneShard();
    failC1(2);
    await w.runUntil('2026-11-02T12:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:30 unpaid-reminder SO-2',
      // Failed at 08:30 and at its retry a minute on; the retry two minutes after that sends.
      '2026-11-02T08:33 unpaid-reminder SO-1',
    ]);
    expect(failures.map((f) => f.retryAt)).toEqual(['2026-11-02T08:31:00.000Z', '2026-11-02T08:33:00.000Z']);
  });
});
