import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../../../shared/domain/errors.js';
import { backtestPeriodSchema } from '../../../../../shared/domain/segments/predictions/backtest.js';
import { fitShopModel } from '../../../../../shared/domain/segments/predictions/predict.js';
import { parseBody } from '../../../../../shared/http/responses.js';
import { backtest, getModel } from '../../../../../shared/use-cases/segments/predictions.js';
import { customersWorld } from '../../../../support/customers.js';
import { FakeSegmentStore } from '../../../../support/fakes/segments.js';
import { simulateBgNbd } from '../../../../support/purchase-simulation.js';
import { placed } from '../../../../support/shop-events.js';

const dayMs = 86_400_000;
/** A paid order as one event (paidAt on the order). */
const bought = (customerId: string, orderId: string, at: string, total = 50) =>
  placed({ customerId }, orderId, total, at, { paidAt: at });

describe('the shop’s model', () => {
  it('is not found before the nightly refresh has fitted one, and is the stored one after', async () => {
    const world = customersWorld();
    await expect(getModel(world.results, world.settings)).rejects.toThrow(NotFoundError);
    await expect(getModel(world.results, world.settings)).rejects.toThrow(/no model yet/);
    const model = fitShopModel([{ orders: [{ at: '2026-10-01T00:00:00.000Z', amount: 100 }] }], {
      asOf: '2026-11-01T00:00:00.000Z',
    });
    await world.results.saveModel('tea', model);
    expect(await getModel(world.results, world.settings)).toEqual(model);
  });
});

describe('customer predictions', () => {
  it('are null before a model, and from the stored model after, with clv12 in currency units', async () => {
    const world = customersWorld();
    await world.apply([
      bought('alice', 'a1', '2026-08-01T02:00:00.000Z', 40),
      bought('alice', 'a2', '2026-09-01T02:00:00.000Z', 60),
    ]);
    expect((await world.customer('alice')).predictions).toBeNull();
    const commits = world.profiles.commits.length;

    const model = fitShopModel(
      [
        {
          orders: [
            { at: '2026-08-01T02:00:00.000Z', amount: 4000 },
            { at: '2026-09-01T02:00:00.000Z', amount: 6000 },
          ],
        },
      ],
      { asOf: '2026-10-01T00:00:00.000Z' },
    );
    await world.results.saveModel('tea', model);
    const predictions = (await world.customer('alice')).predictions;
    // Her own 31-day rhythm and mean basket of 50: 365.25 / 31 occasions a year.
    expect(predictions).toMatchObject({
      method: 'median-interval',
      median: 'customer',
      pAlive: null,
      expected30: 30 / 31,
      nextOrderAt: '2026-10-02T02:00:00.000Z',
      spendMethod: 'customer-mean',
    });
    expect(predictions?.clv12).toBeCloseTo((365.25 / 31) * 50, 2);
    // Computed at read time: nothing is written for it.
    expect(world.profiles.commits.length).toBe(commits);
  });
});

describe('backtest', () => {
  const period = { calibrationEnd: '2026-03-01T00:00:00.000Z', holdoutEnd: '2026-04-01T00:00:00.000Z' };

  it('compares predicted and actual holdout occasions by calibration frequency; the fallback labelled', async () => {
    const world = customersWorld();
    await world.apply([
      bought('alice', 'a1', '2026-01-10T10:00:00.000Z'),
      bought('alice', 'a2', '2026-02-10T10:00:00.000Z'),
      bought('alice', 'a3', '2026-03-15T10:00:00.000Z'),
      bought('alice', 'a4', '2026-03-15T12:00:00.000Z'), // same day: one occasion
      bought('alice', 'a5', '2026-04-20T10:00:00.000Z'), // after the holdout
      bought('bob', 'b1', '2026-01-20T10:00:00.000Z'),
      bought('carol', 'c1', '2026-03-10T10:00:00.000Z'), // first order in the holdout: not compared
    ]);
    const report = await backtest(
      { segments: new FakeSegmentStore(world.table), clock: world.clock.now },
      world.settings,
      period,
    );
    expect(report).toMatchObject({
      holdoutDays: 31,
      method: 'median-interval',
      customersUsed: 2,
      repeatBuyers: 1,
    });
    expect(report.fallbackReason).toMatch(/1 customers with a repeat purchase, fewer than 100/);
    // Both buy every 31 days: Alice by her own interval, Bob by the shop's (hers).
    expect(report.buckets.slice(0, 3)).toEqual([
      { x: '0', customers: 1, predicted: 1, actual: 0, predictedMean: 1, actualMean: 0 },
      { x: '1', customers: 1, predicted: 1, actual: 1, predictedMean: 1, actualMean: 1 },
      { x: '2', customers: 0, predicted: 0, actual: 0, predictedMean: null, actualMean: null },
    ]);
    expect(report.buckets.map((b) => b.x)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(report.total).toEqual({
      customers: 2,
      predicted: 2,
      actual: 1,
      predictedMean: 1,
      actualMean: 0.5,
    });
  });

  it('predicts the holdout of customers simulated from the BG/NBD within 10 % in total and by bucket within noise', async () => {
    const world = customersWorld();
    const calibrationEndMs = Date.parse('2026-06-30T00:00:00.000Z');
    const sim = simulateBgNbd({ r: 0.4, alpha: 20, a: 0.8, b: 2.5 }, 2000, {
      seed: 17,
      tMin: 60,
      tMax: 500,
      holdout: 120,
    });
    const events = sim.flatMap((c, i) => {
      const firstMs = calibrationEndMs - c.T * dayMs;
      return [0, ...c.purchases].map((t, k) =>
        bought(`c${i}`, `o${k}`, new Date(firstMs + t * dayMs).toISOString(), 20 + k),
      );
    });
    await world.apply(events);
    const report = await backtest(
      { segments: new FakeSegmentStore(world.table, 100), clock: world.clock.now },
      world.settings,
      { calibrationEnd: new Date(calibrationEndMs).toISOString(), holdoutEnd: '2026-10-28T00:00:00.000Z' },
    );
    expect(report.method).toBe('bgnbd');
    expect(report.customersUsed).toBe(2000);
    expect(report.params).toBeDefined();
    expect(report.logLikelihood).toBeLessThan(0);
    const { predicted, actual } = report.total;
    expect(actual).toBeGreaterThan(200);
    expect(Math.abs(predicted / actual - 1)).toBeLessThan(0.1);
    // Each bucket within four Poisson standard deviations and a few (the counts are overdispersed).
    for (const b of report.buckets) {
      expect(b.customers).toBeGreaterThan(0);
      expect(Math.abs(b.predicted - b.actual)).toBeLessThan(4 * Math.sqrt(b.actual) + 5);
    }
  });

  it('refuses a holdout in the future, too short or out of order, and unknown fields, with paths', async () => {
    const world = customersWorld();
    const deps = { segments: new FakeSegmentStore(world.table), clock: world.clock.now };
    const future = { calibrationEnd: '2026-10-01T00:00:00.000Z', holdoutEnd: '2026-12-01T00:00:00.000Z' };
    await expect(backtest(deps, world.settings, future)).rejects.toThrow(ValidationError);
    await expect(backtest(deps, world.settings, future)).rejects.toMatchObject({
      issues: [{ path: 'holdoutEnd', message: 'must not be in the future' }],
    });

    const issues = (body: unknown) => {
      try {
        parseBody(backtestPeriodSchema, body);
        return [];
      } catch (error) {
        return (error as ValidationError).issues.map((i) => i.path);
      }
    };
    expect(issues(period)).toEqual([]);
    expect(issues({ ...period, holdoutEnd: '2026-03-05T00:00:00.000Z' })).toEqual(['holdoutEnd']);
    expect(issues({ ...period, holdoutEnd: '2026-02-01T00:00:00.000Z' })).toEqual(['holdoutEnd']);
    expect(issues({ calibrationEnd: 'March', holdoutEnd: period.holdoutEnd })).toEqual(['calibrationEnd']);
    expect(issues({ ...period, asOf: 'x' })).toEqual(['(root)']);
  });
});
