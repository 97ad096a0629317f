import { describe, expect, it } from 'vitest';
import { fitShopModel } from '../../../../../../shared/domain/segments/predictions/predict.js';
import {
  addToModelSample,
  emptyModelSample,
  fitShopModelFromSample,
  type ModelSample,
  mergeModelSamples,
} from '../../../../../../shared/domain/segments/predictions/sample.js';
import { simulateShop } from '../../../../../support/purchase-simulation.js';

const asOf = '2026-06-30T12:00:00.000Z';
const asOfMs = Date.parse(asOf);
const day = (d: number) => new Date(Date.parse('2026-06-30T08:00:00.000Z') - d * 86_400_000).toISOString();

function sampleOf(customers: Parameters<typeof addToModelSample>[1][]): ModelSample {
  const sample = emptyModelSample();
  for (const c of customers) addToModelSample(sample, c, asOfMs);
  return sample;
}

describe('model sample', () => {
  it('aggregates identical histories, repeat spends and own medians, and skips customers with no order yet', () => {
    const twin = {
      orders: [
        { at: day(100), amount: 1000 },
        { at: day(70), amount: 3000 },
      ],
    };
    const sample = sampleOf([
      twin,
      twin,
      { orders: [{ at: day(10), amount: 500 }] },
      { orders: [{ at: day(40), amount: 500 }, { at: day(20) }] }, // spend unknown
      { orders: [{ at: '2026-07-02T00:00:00.000Z', amount: 100 }] }, // after asOf
    ]);
    expect(sample).toEqual({
      asOfMs,
      customers: 4,
      histories: { '1,30,100': 2, '0,0,10': 1, '1,20,40': 1 },
      spends: { '1,3000': 2 },
      medianIntervals: { '30': 2, '20': 1 },
    });
    // What a shard hands over is JSON.
    expect(JSON.parse(JSON.stringify(sample))).toEqual(sample);
  });

  it('merges shards by adding counts, leaving both as they were, and refuses different cut instants', () => {
    const a = sampleOf([{ orders: [{ at: day(10), amount: 1 }] }]);
    const b = sampleOf([{ orders: [{ at: day(10), amount: 1 }] }, { orders: [{ at: day(5), amount: 1 }] }]);
    const before = structuredClone(a);
    expect(mergeModelSamples(a, b)).toMatchObject({
      customers: 3,
      histories: { '0,0,10': 2, '0,0,5': 1 },
    });
    expect(a).toEqual(before);
    expect(mergeModelSamples(emptyModelSample(), b)).toEqual(b);

    const later = emptyModelSample();
    addToModelSample(later, { orders: [] }, asOfMs + 1);
    expect(() => mergeModelSamples(a, later)).toThrow(RangeError);
    expect(() => fitShopModelFromSample(a, { asOf: '2026-07-01T00:00:00.000Z' })).toThrow(RangeError);
  });

  it('fits the same model from shard samples merged in any order as from all customers at once', () => {
    const customers = simulateShop({ r: 0.25, alpha: 28, a: 0.8, b: 2.5 }, { p: 6, q: 4, gamma: 15 }, 4000, {
      seed: 8,
      asOf,
      acquisitionDays: 365,
      minAgeDays: 30,
    });
    const options = { asOf, clock: () => 0 };
    const whole = fitShopModel(customers, options);
    expect(whole.method).toBe('bgnbd');
    expect(whole.spend).toBeDefined();

    // Four shards, as the fan-out refresh reads them, serialised on the way.
    const shards = [0, 1, 2, 3].map((k) =>
      JSON.parse(JSON.stringify(sampleOf(customers.filter((_, i) => i % 4 === k)))),
    ) as ModelSample[];
    const merged = shards.reduce(mergeModelSamples, emptyModelSample());
    const reversed = [...shards].reverse().reduce(mergeModelSamples, emptyModelSample());
    expect(fitShopModelFromSample(merged, options)).toEqual(whole);
    expect(fitShopModelFromSample(reversed, options)).toEqual(whole);
    // Far fewer rows than customers.
    expect(Object.keys(merged.histories).length).toBeLessThan(customers.length / 2);
  });

  it('takes the shop median as the median of the repeat buyers’ own medians, one vote each', () => {
    const every = (gap: number, times: number) => ({
      orders: Array.from({ length: times + 1 }, (_, i) => ({ at: day(200 - i * gap), amount: 100 })),
    });
    // Own medians 10, 10, 30, 50: the median is (10 + 30) / 2, whatever the number of orders.
    const model = fitShopModelFromSample(sampleOf([every(10, 9), every(10, 1), every(30, 2), every(50, 3)]), {
      asOf,
    });
    expect(model).toMatchObject({ method: 'median-interval', repeatBuyers: 4, shopMedianIntervalDays: 20 });
    expect(fitShopModelFromSample(emptyModelSample(), { asOf }).shopMedianIntervalDays).toBeNull();
  });
});
