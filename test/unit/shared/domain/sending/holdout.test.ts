import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  controlBucket,
  type HoldoutUnit,
  isHeldOut,
  isInGlobalControl,
} from '../../../../../shared/domain/sending/holdout.js';

const customers = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** |observed − expected| within k standard deviations of a binomial count. */
function withinSds(observed: number, n: number, p: number, k: number): boolean {
  return Math.abs(observed - n * p) <= k * Math.sqrt(n * p * (1 - p));
}

const units = fc.oneof(
  fc.record({ campaignId: fc.string({ minLength: 1 }) }),
  fc.record({ journeyId: fc.string({ minLength: 1 }), stepId: fc.string({ minLength: 1 }) }),
) as fc.Arbitrary<HoldoutUnit>;

describe('campaign and journey-step holdouts', () => {
  it('hold out the share asked for, within statistical tolerance', () => {
    const people = customers(8_000);
    fc.assert(
      fc.property(
        fc.string(),
        units,
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (shop, unit, share) => {
          const held = people.filter((c) => isHeldOut(shop, c, unit, share)).length;
          // Five standard deviations: a correct hash fails this about once in three million runs.
          expect(withinSds(held, people.length, share, 5)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('default to 10%', () => {
    const people = customers(20_000);
    const held = people.filter((c) => isHeldOut('shop-1', c, { campaignId: 'spring' })).length;
    expect(withinSds(held, people.length, 0.1, 5)).toBe(true);
  });

  it('never change: the same inputs give the same answer, here and in any later release', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), units, (shop, customer, unit) => {
        expect(isHeldOut(shop, customer, unit)).toBe(isHeldOut(shop, customer, structuredClone(unit)));
      }),
    );
    // Pinned: a change to the hashing would move customers between arms of running campaigns.
    const held = customers(40).filter((c) => isHeldOut('shop-1', c, { campaignId: 'spring' }));
    expect(held).toEqual(PINNED_HELD);
    expect(customers(5).map((c) => controlBucket('shop-1', c))).toEqual(PINNED_BUCKETS);
  });

  it('only add customers when the share grows', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        units,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (shop, customer, unit, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          if (isHeldOut(shop, customer, unit, low)) expect(isHeldOut(shop, customer, unit, high)).toBe(true);
        },
      ),
    );
  });

  it('are independent across campaigns, steps and shops', () => {
    const people = customers(20_000);
    const a = (c: string) => isHeldOut('shop-1', c, { campaignId: 'spring' });
    const pairs: Array<(c: string) => boolean> = [
      (c) => isHeldOut('shop-1', c, { campaignId: 'summer' }),
      (c) => isHeldOut('shop-2', c, { campaignId: 'spring' }),
      (c) => isHeldOut('shop-1', c, { journeyId: 'spring', stepId: 'day-1' }),
    ];
    for (const b of pairs) {
      const both = people.filter((c) => a(c) && b(c)).length;
      expect(withinSds(both, people.length, 0.01, 5)).toBe(true);
    }
  });

  it('refuse a share outside [0, 1]', () => {
    expect(() => isHeldOut('s', 'c', { campaignId: 'x' }, 1.5)).toThrow(RangeError);
    expect(() => isInGlobalControl('s', 'c', Number.NaN)).toThrow(RangeError);
  });
});

describe('the global control group', () => {
  it('is about 5% by default and the share asked for otherwise', () => {
    const people = customers(20_000);
    expect(withinSds(people.filter((c) => isInGlobalControl('shop-1', c)).length, 20_000, 0.05, 5)).toBe(
      true,
    );
    expect(withinSds(people.filter((c) => isInGlobalControl('shop-1', c, 0.2)).length, 20_000, 0.2, 5)).toBe(
      true,
    );
  });

  it('is the lowest buckets, so a larger group contains the smaller', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.integer({ min: 0, max: 10_000 }),
        (shop, customer, buckets) => {
          const share = buckets / 10_000;
          expect(isInGlobalControl(shop, customer, share)).toBe(controlBucket(shop, customer) < buckets);
        },
      ),
    );
  });

  it('does not depend on any campaign holdout', () => {
    const people = customers(20_000);
    const both = people.filter(
      (c) => isInGlobalControl('shop-1', c) && isHeldOut('shop-1', c, { campaignId: 'spring' }),
    ).length;
    expect(withinSds(both, people.length, 0.005, 5)).toBe(true);
  });
});

const PINNED_HELD = ['c-6', 'c-17', 'c-38'];
const PINNED_BUCKETS = [227, 8743, 6518, 676, 2004];
