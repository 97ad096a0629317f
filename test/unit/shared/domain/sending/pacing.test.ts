import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  backoffSchedule,
  drainSeconds,
  pacingFor,
} from '../../../../../shared/domain/sending/pacing.js';
import { seededRandom } from '../../../../../shared/domain/sending/random.js';

describe('sender pacing', () => {
  it('spreads 90% of the SES rate over as many invocations as one call at a time needs', () => {
    // 500/s at 90% = 450/s; 450 × 80 ms = 36 calls in flight → 36 invocations, one send each 80 ms.
    expect(pacingFor({ maxRate: 500 })).toEqual({
      targetRate: 450,
      concurrency: 36,
      intervalMs: 80,
      batchMs: 800,
    });
    // A new account's 14/s: the minimum two invocations, each sending every 2000/12.6 ms.
    const small = pacingFor({ maxRate: 14 });
    expect(small.concurrency).toBe(2);
    expect(small.intervalMs).toBeCloseTo(158.73, 2);
  });

  it('never lets the invocations together exceed the rate, nor one invocation outrun its calls', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 10_000, noNaN: true }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 1, max: 2_000, noNaN: true }),
        (maxRate, headroom, batchSize, callLatencyMs) => {
          const p = pacingFor({ maxRate, headroom, batchSize, callLatencyMs });
          expect((p.concurrency * 1000) / p.intervalMs).toBeLessThanOrEqual(maxRate * headroom * (1 + 1e-9));
          expect(p.intervalMs).toBeGreaterThanOrEqual(callLatencyMs * (1 - 1e-9));
          expect(p.batchMs).toBeCloseTo(p.intervalMs * batchSize, 6);
        },
      ),
    );
  });

  it('refuses a rate it cannot pace', () => {
    expect(() => pacingFor({ maxRate: 0 })).toThrow(RangeError);
    expect(() => pacingFor({ maxRate: 10, headroom: 1.5 })).toThrow(RangeError);
  });
});

describe('drain time', () => {
  it('is recipients over the rate when the daily quota does not bind', () => {
    // 5,000,000 at 450/s: 11,111 s, about 3 h 5 min.
    expect(drainSeconds({ recipients: 5_000_000, ratePerSecond: 450 })).toBeCloseTo(11_111.11, 2);
    expect(
      drainSeconds({ recipients: 5_000_000, ratePerSecond: 450, max24HourSend: 10_000_000 }),
    ).toBeCloseTo(11_111.11, 2);
  });

  it('counts whole days of quota when the daily quota binds', () => {
    // 2,000,000 a day at 450/s: two full days, then 1,000,000 more at 450/s.
    expect(drainSeconds({ recipients: 5_000_000, ratePerSecond: 450, max24HourSend: 2_000_000 })).toBeCloseTo(
      2 * 86_400 + 1_000_000 / 450,
      6,
    );
    // Exactly two days' quota: the second day's sends end at the rate, not at midnight.
    expect(drainSeconds({ recipients: 4_000_000, ratePerSecond: 450, max24HourSend: 2_000_000 })).toBeCloseTo(
      86_400 + 2_000_000 / 450,
      6,
    );
  });

  it('at 14/s a 5-million campaign takes over four days', () => {
    expect(drainSeconds({ recipients: 5_000_000, ratePerSecond: 14 }) / 86_400).toBeCloseTo(4.13, 2);
  });
});

describe('throttling back-off', () => {
  it('draws each wait below a ceiling that doubles up to the cap', () => {
    const ceilings = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000];
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const waits = backoffSchedule(ceilings.length, seededRandom(seed));
        waits.forEach((w, i) => {
          expect(w).toBeGreaterThanOrEqual(0);
          expect(w).toBeLessThan(ceilings[i] as number);
        });
      }),
    );
    expect(backoffMs(3, () => 0.999_999)).toBe(3_999);
    expect(backoffMs(20, () => 0.5, { baseMs: 100, capMs: 1_000 })).toBe(500);
  });

  it('is the same for the same seed, and spread out across senders', () => {
    expect(backoffSchedule(6, seededRandom(7))).toEqual(backoffSchedule(6, seededRandom(7)));
    const firstWaits = Array.from({ length: 1_000 }, (_, s) => backoffMs(4, seededRandom(s)));
    const mean = firstWaits.reduce((a, b) => a + b, 0) / firstWaits.length;
    // Uniform below 8,000 ms: mean 4,000, standard error about 73.
    expect(Math.abs(mean - 4_000)).toBeLessThan(400);
    expect(new Set(firstWaits).size).toBeGreaterThan(900);
  });
});
