import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LocalSchedule, LocalScheduler } from '../../../../infra/local/scheduler.js';
import { now, setClockTo } from '../../../../shared/clock.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** Moves the shared clock to the next UTC midnight a day ahead: each scenario starts on a fresh, aligned day. */
function freshDay(): number {
  const start = Math.ceil((now().getTime() + day) / day) * day;
  setClockTo(new Date(start));
  return start;
}

/**
 * A minute schedule over a due index, as the due-step runner is: a firing takes everything due at or
 * before its minute and reports the earliest instant still pending. Work can also arrive from
 * outside (the stream, while settling), which the schedule only learns of when asked.
 */
function dueIndex(name = 'due-steps') {
  const pending = new Set<number>();
  const done: Array<{ due: number; at: number }> = [];
  const firings: number[] = [];
  const schedule: LocalSchedule = {
    name,
    everyMinutes: 1,
    fire: async (at) => {
      firings.push(at.getTime());
      const due = [...pending].filter((t) => t <= at.getTime());
      for (const t of due) {
        pending.delete(t);
        done.push({ due: t, at: at.getTime() });
      }
      const next = Math.min(...pending);
      return { worked: due.length > 0, nextDueAt: pending.size ? new Date(next).toISOString() : null };
    },
  };
  return { schedule, pending, done, firings };
}

/** An hourly schedule that says nothing of its next work, as the segment refresh. */
function hourly(worked: () => boolean = () => false) {
  const firings: number[] = [];
  const schedule: LocalSchedule = {
    name: 'segment-refresh',
    everyMinutes: 60,
    fire: async (at) => {
      firings.push(at.getTime());
      return { worked: worked() };
    },
  };
  return { schedule, firings };
}

const quiet = () => undefined;

describe('the local scheduler', () => {
  it('jumps over idle minutes to the minute something is due, and still fires every hour it crosses', async () => {
    const start = freshDay();
    const index = dueIndex();
    const refresh = hourly();
    const reminder = start + 20 * day + 7 * minute + 30_000;
    index.pending.add(reminder);
    const scheduler = new LocalScheduler([index.schedule, refresh.schedule], async () => undefined, quiet);
    const fired = await scheduler.advance(30 * day);
    // Once to ask, at the reminder's minute, and the minute after (what settled may have added work).
    const at = start + 20 * day + 8 * minute;
    expect(index.firings).toEqual([start + minute, at, at + minute]);
    expect(index.done).toEqual([{ due: reminder, at: start + 20 * day + 8 * minute }]);
    expect(refresh.firings).toEqual(Array.from({ length: 30 * 24 }, (_, h) => start + (h + 1) * hour));
    expect(fired).toBe(3 + 30 * 24);
  });

  it('fires a schedule that reports nothing on every boundary', async () => {
    const start = freshDay();
    const firings: number[] = [];
    const plain: LocalSchedule = {
      name: 'plain',
      everyMinutes: 1,
      fire: async (at) => {
        firings.push(at.getTime());
        return { worked: false };
      },
    };
    const scheduler = new LocalScheduler([plain], async () => undefined, quiet);
    await scheduler.advance(2 * hour);
    expect(firings).toEqual(Array.from({ length: 120 }, (_, m) => start + (m + 1) * minute));
  });

  it('asks again after anything settles: work the stream added during a jump is not skipped', async () => {
    const start = freshDay();
    const index = dueIndex();
    index.pending.add(start + 5 * hour);
    // The 01:00 refresh does work; while it settles, a pointer for 01:30 arrives from the stream.
    const refresh = hourly(() => true);
    let added = false;
    const settle = async () => {
      if (!added) index.pending.add(start + hour + 30 * minute);
      added = true;
    };
    const scheduler = new LocalScheduler([index.schedule, refresh.schedule], settle, quiet);
    await scheduler.advance(6 * hour);
    expect(index.done.map((d) => d.at - start)).toEqual([hour + 30 * minute, 5 * hour]);
  });

  it('settles what was requested before the clock moves: events posted just before an advance start their work at its minute', async () => {
    const start = freshDay();
    const index = dueIndex();
    index.pending.add(start + 5 * hour);
    // An order posted at 00:00, still on the stream when the advance begins, owes a reminder at 00:30.
    let posted = true;
    const settle = async () => {
      if (posted) index.pending.add(start + 30 * minute);
      posted = false;
    };
    const scheduler = new LocalScheduler([index.schedule], settle, quiet);
    await scheduler.advance(6 * hour);
    expect(index.done.map((d) => d.at - start)).toEqual([30 * minute, 5 * hour]);
  });

  it('fires the next boundary after a firing that failed', async () => {
    const start = freshDay();
    const firings: number[] = [];
    let failures = 1;
    const flaky: LocalSchedule = {
      name: 'flaky',
      everyMinutes: 1,
      fire: async (at) => {
        firings.push(at.getTime());
        if (failures-- > 0) throw new Error('throttled');
        return { worked: false, nextDueAt: null };
      },
    };
    const logged: string[] = [];
    const scheduler = new LocalScheduler(
      [flaky],
      async () => undefined,
      (line) => logged.push(line),
    );
    await scheduler.advance(day);
    expect(firings).toEqual([start + minute, start + 2 * minute]);
    expect(logged).toEqual([`flaky failed at ${new Date(start + minute).toISOString()}: throttled`]);
  });

  it('ends an advance under way when stopped, after the firing in hand, rather than running out the month', async () => {
    const start = freshDay();
    const firings: number[] = [];
    let scheduler: LocalScheduler | undefined;
    let stopped: Promise<unknown> | undefined;
    // A shard that fails and stays due, as when the stack goes down under an advance nobody waits for.
    const failing: LocalSchedule = {
      name: 'due-steps',
      everyMinutes: 1,
      fire: async (at) => {
        firings.push(at.getTime());
        if (firings.length === 3) stopped = scheduler?.stop();
        throw new Error('connect ECONNREFUSED');
      },
    };
    scheduler = new LocalScheduler([failing], async () => undefined, quiet);
    await scheduler.advance(30 * day);
    await stopped;
    expect(firings).toEqual([start + minute, start + 2 * minute, start + 3 * minute]);
  });

  it('runs everything at its minute and every hour once, whatever is due, added or advanced by', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Due instants within three days, to the millisecond.
        fc.array(fc.integer({ min: 1, max: 3 * day }), { maxLength: 12 }),
        // Follow-ups the stream adds while a firing settles: minutes after the work that caused them.
        fc.array(fc.integer({ min: 0, max: (2 * day) / minute }), { maxLength: 4 }),
        // The clock advanced in chunks, as a person types `advance`.
        fc.array(fc.integer({ min: 1, max: day }), { minLength: 1, maxLength: 5 }),
        async (dues, followUps, chunks) => {
          const start = freshDay();
          const index = dueIndex();
          for (const t of dues) index.pending.add(start + t);
          const refresh = hourly();
          const queue = [...followUps];
          const added: number[] = [];
          let seen = 0;
          const settle = async () => {
            // One follow-up per settle that had new work behind it, due that many minutes later.
            if (index.done.length === seen) return;
            seen = index.done.length;
            const later = queue.shift();
            if (later === undefined) return;
            const at = (index.done.at(-1)?.at as number) + later * minute + 1;
            index.pending.add(at);
            added.push(at);
          };
          const scheduler = new LocalScheduler([index.schedule, refresh.schedule], settle, quiet);
          for (const ms of chunks) await scheduler.advance(ms);
          const end = start + chunks.reduce((a, b) => a + b, 0);
          const expected = [...new Set([...dues.map((t) => start + t), ...added])]
            .filter((t) => Math.ceil(t / minute) * minute <= end)
            .sort((a, b) => a - b);
          // Each exactly once, at the minute it falls due (its first minute boundary at or after it).
          expect(index.done.map((d) => d.due).sort((a, b) => a - b)).toEqual(expected);
          for (const d of index.done) expect(d.at).toBe(Math.ceil(d.due / minute) * minute);
          expect(refresh.firings).toEqual(
            Array.from({ length: Math.floor((end - start) / hour) }, (_, h) => start + (h + 1) * hour),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
