import { describe, expect, it } from 'vitest';
import { summarizeOrders } from '../../../../../../shared/domain/segments/predictions/history.js';
import { fitShopModel, predict } from '../../../../../../shared/domain/segments/predictions/predict.js';
import { simulateShop } from '../../../../../support/purchase-simulation.js';

const asOf = '2026-06-30T12:00:00.000Z';
const daysBefore = (d: number, hour = 10) =>
  new Date(Date.parse('2026-06-30T00:00:00.000Z') - d * 86_400_000 + hour * 3_600_000).toISOString();

describe('order summaries', () => {
  it('counts purchase days, in whole days, up to asOf', () => {
    const s = summarizeOrders(
      {
        orders: [
          { at: daysBefore(100), amount: 1000 },
          { at: daysBefore(100, 18), amount: 500 }, // same day: one occasion
          { at: daysBefore(60), amount: 2000 },
          { at: daysBefore(20), amount: 4000 },
          { at: '2026-07-05T00:00:00.000Z', amount: 9999 }, // after asOf
        ],
      },
      Date.parse(asOf),
    );
    expect(s).toMatchObject({
      x: 2,
      tx: 80,
      T: 100,
      intervalsDays: [40, 40],
      occasionSpend: [1500, 2000, 4000],
    });
  });

  it('has no spend when an amount is missing, and nothing before the first order', () => {
    const orders = [{ at: daysBefore(10), amount: 100 }, { at: daysBefore(5) }];
    expect(summarizeOrders({ orders }, Date.parse(asOf))?.occasionSpend).toBeNull();
    expect(summarizeOrders({ orders }, Date.parse(daysBefore(11)))).toBeNull();
  });
});

describe('shop model', () => {
  it('falls back to median intervals for a shop with few repeat buyers, and says whose', () => {
    const customers = [
      {
        orders: [
          { at: daysBefore(90), amount: 1000 },
          { at: daysBefore(60), amount: 1000 },
        ],
      },
      {
        orders: [
          { at: daysBefore(200), amount: 1000 },
          { at: daysBefore(150), amount: 1000 },
          { at: daysBefore(100) },
        ],
      },
      { orders: [{ at: daysBefore(15), amount: 3000 }] },
    ];
    const model = fitShopModel(customers, { asOf, clock: () => 0 });
    expect(model).toMatchObject({
      method: 'median-interval',
      customersUsed: 3,
      repeatBuyers: 2,
      shopMedianIntervalDays: 40, // medians 30 and 50
      fitMillis: 0,
    });
    expect(model.fallbackReason).toMatch(/fewer than 100/);
    expect(model.params).toBeUndefined();

    const own = predict(model, customers[0] as (typeof customers)[0], asOf);
    expect(own).toMatchObject({
      method: 'median-interval',
      median: 'customer',
      pAlive: null,
      expected30: 1,
      expected90: 3,
    });
    expect(own?.nextOrderAt).toBe(daysBefore(30));
    expect(own?.clv12).toBeCloseTo((365.25 / 30) * 1000, 6);
    expect(own?.spendMethod).toBe('customer-mean');

    const newcomer = predict(model, customers[2] as (typeof customers)[0], asOf);
    expect(newcomer).toMatchObject({ method: 'median-interval', median: 'shop', expected30: 0.75 });
    expect(newcomer?.nextOrderAt).toBe(daysBefore(15 - 40));

    expect(predict(model, { orders: [] }, asOf)).toBeNull();
  });

  it('fits the BG/NBD and the Gamma-Gamma on a shop with enough repeat buyers', () => {
    const truth = { r: 0.25, alpha: 28, a: 0.8, b: 2.5 };
    const customers = simulateShop(truth, { p: 6, q: 4, gamma: 15 }, 5000, {
      seed: 21,
      asOf,
      acquisitionDays: 365,
      minAgeDays: 30,
    });
    const model = fitShopModel(customers, { asOf });
    expect(model.method).toBe('bgnbd');
    expect(model.fallbackReason).toBeUndefined();
    expect(model.spend).toBeDefined();
    // Whole days blur same-day purchases a little: loose bounds, not the 3-SE test of the exact model.
    expect(model.params?.r).toBeGreaterThan(0.15);
    expect(model.params?.r).toBeLessThan(0.4);
    expect(model.fitMillis).toBeGreaterThanOrEqual(0);

    const p = predict(model, customers[0] as (typeof customers)[0], asOf);
    expect(p?.method).toBe('bgnbd');
    expect(p?.pAlive).toBeGreaterThan(0);
    expect(p?.expected90).toBeGreaterThanOrEqual(p?.expected30 ?? Number.POSITIVE_INFINITY);
    expect(Date.parse(p?.nextOrderAt ?? '')).toBeGreaterThan(Date.parse(asOf));
    expect(p?.spendMethod).toBe('gamma-gamma');

    const discounted = fitShopModel(customers, { asOf, monthlyDiscountRate: 0.01 });
    const d = predict(discounted, customers[0] as (typeof customers)[0], asOf);
    expect(d?.clv12).toBeLessThan(p?.clv12 ?? 0);
    expect(d?.clv12).toBeGreaterThan((p?.clv12 ?? 0) / 1.01 ** 12);
  });

  it('falls back when the optimiser is not allowed to converge', () => {
    const customers = simulateShop({ r: 0.25, alpha: 28, a: 0.8, b: 2.5 }, { p: 6, q: 4, gamma: 15 }, 1000, {
      seed: 3,
      asOf,
      acquisitionDays: 365,
    });
    const model = fitShopModel(customers, {
      asOf,
      minRepeatBuyers: 10,
      optimiser: { maxIterations: 5, restarts: 0 },
    });
    expect(model.method).toBe('median-interval');
    expect(model.fallbackReason).toBe('the optimiser did not converge');
    expect(predict(model, customers[0] as (typeof customers)[0], asOf)?.method).toBe('median-interval');
  });
});
