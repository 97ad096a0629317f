import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  distributionOf,
  medianOf,
  mergeDistributions,
  quintileCuts,
  scoreOf,
  sortDoubles,
  topShareCut,
} from '../../../../../shared/domain/segments/distribution.js';

const scores = (values: number[]) => {
  const cuts = quintileCuts(distributionOf(Float64Array.from(values)));
  return values.map((v) => scoreOf(v, cuts));
};
/** The written rule, straight: 1 + floor(5 × (values strictly lower) / N). */
const byDefinition = (values: number[]) =>
  values.map((v) => 1 + Math.floor((5 * values.filter((w) => w < v).length) / values.length));

describe('quintile scores', () => {
  it('splits ten distinct values two to a score', () => {
    expect(scores([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])).toEqual([5, 1, 5, 1, 4, 2, 4, 2, 3, 3]);
  });

  it('gives ties one score: six one-timers of ten all score 1, the next value jumps to 4', () => {
    expect(scores([1, 1, 1, 1, 1, 1, 2, 2, 3, 9])).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  });

  it('is the written rule, scores 1-5, the same for equal values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }), (values) => {
        const s = scores(values);
        expect(s).toEqual(byDefinition(values));
        expect(s.every((x) => x >= 1 && x <= 5)).toBe(true);
      }),
    );
  });

  it('puts a fifth of distinct values (± 1) in each score', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 5, maxLength: 500 }),
        (values) => {
          const s = scores(values);
          for (let k = 1; k <= 5; k++) {
            expect(Math.abs(s.filter((x) => x === k).length - values.length / 5)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('has the same cut points from shards merged as from the whole shop', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 1e6 }))), (shards) => {
        const merged = shards
          .map((s) => distributionOf(Float64Array.from(s)))
          .reduce(mergeDistributions, distributionOf(new Float64Array(0)));
        const whole = distributionOf(Float64Array.from(shards.flat()));
        expect(quintileCuts(merged)).toEqual(quintileCuts(whole));
        expect(topShareCut(merged, 5)).toBe(topShareCut(whole, 5));
        expect(medianOf(merged)).toBe(medianOf(whole));
      }),
    );
  });
});

describe('top fifth and median', () => {
  it('takes the top fifth, all of a tie at the boundary', () => {
    expect(topShareCut(distributionOf(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])), 5)).toBe(9);
    expect(topShareCut(distributionOf(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 9, 9, 9])), 5)).toBe(9);
    expect(topShareCut(distributionOf(new Float64Array(0)), 5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is the middle value, or the mean of the two', () => {
    expect(medianOf(distributionOf(Float64Array.from([5, 1, 3])))).toBe(3);
    expect(medianOf(distributionOf(Float64Array.from([4, 1, 3, 8])))).toBe(3.5);
    expect(medianOf(distributionOf(new Float64Array(0)))).toBeNull();
  });
});

describe('sorting a large array', () => {
  it('sorts as TypedArray sort does, negatives and fractions included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e15, max: 1e15 }), { minLength: 4096, maxLength: 6000 }),
        (values) => {
          const a = Float64Array.from(values);
          sortDoubles(a);
          expect([...a]).toEqual([...Float64Array.from(values).sort()]);
        },
      ),
      { numRuns: 20 },
    );
  });
});
