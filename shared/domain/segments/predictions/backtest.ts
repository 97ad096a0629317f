/**
 * The standard validation of a repurchase model (Fader, Hardie & Lee 2005, fig. 4): fit on the
 * orders up to calibrationEnd only, then compare, per number of repeat occasions in the calibration
 * period, the repeat occasions predicted for the holdout period with those that happened.
 */

import { z } from 'zod';
import type { BgNbdParams } from './bgnbd.js';
import { type CustomerOrders, dayMs, parseInstant, summarizeOrders } from './history.js';
import { expectedOccasions, fitShopModel, type PredictionMethod, type ShopModelOptions } from './predict.js';

const minHoldoutDays = 7;

/** The periods, checked for shape and order; that holdoutEnd is not in the future needs a clock (the use case). */
export const backtestPeriodSchema = z
  .strictObject({
    calibrationEnd: z.iso.datetime({ offset: true }).describe('The fit sees only orders placed up to here'),
    holdoutEnd: z.iso
      .datetime({ offset: true })
      .describe(
        `The end of the holdout period: at least ${minHoldoutDays} days after calibrationEnd, not in the future`,
      ),
  })
  .superRefine(({ calibrationEnd, holdoutEnd }, ctx) => {
    const days = (Date.parse(holdoutEnd) - Date.parse(calibrationEnd)) / dayMs;
    if (days <= 0)
      ctx.addIssue({ code: 'custom', path: ['holdoutEnd'], message: 'must be after calibrationEnd' });
    else if (days < minHoldoutDays)
      ctx.addIssue({
        code: 'custom',
        path: ['holdoutEnd'],
        message: `the holdout period must be at least ${minHoldoutDays} days`,
      });
  });

export type BacktestPeriod = z.infer<typeof backtestPeriodSchema>;

export interface BacktestRow {
  customers: number;
  /** Repeat purchase occasions in the holdout period, summed over the customers. */
  predicted: number;
  actual: number;
  /** Per customer; null for a bucket without customers. */
  predictedMean: number | null;
  actualMean: number | null;
}

export interface BacktestBucket extends BacktestRow {
  /** Repeat occasions in the calibration period: '0' … '6', '7+'. */
  x: string;
}

export interface BacktestReport {
  calibrationEnd: string;
  holdoutEnd: string;
  /** Whole days, as the model counts them. */
  holdoutDays: number;
  method: PredictionMethod;
  fallbackReason?: string;
  params?: BgNbdParams;
  logLikelihood?: number;
  /** Customers with an order by calibrationEnd: the ones compared. */
  customersUsed: number;
  repeatBuyers: number;
  buckets: BacktestBucket[];
  total: BacktestRow;
}

const topBucket = 7;

function row(customers: number, predicted: number, actual: number): BacktestRow {
  return {
    customers,
    predicted,
    actual,
    predictedMean: customers ? predicted / customers : null,
    actualMean: customers ? actual / customers : null,
  };
}

/**
 * Fits on the customers' orders up to calibrationEnd and compares. Occasions are counted as the
 * model counts them (summarizeOrders): the holdout's are the occasions by holdoutEnd less those by
 * calibrationEnd. A customer the fallback has nothing to go by for counts as predicted 0.
 */
export function backtestOf(
  customers: readonly CustomerOrders[],
  period: BacktestPeriod,
  options: Omit<ShopModelOptions, 'asOf'> = {},
): BacktestReport {
  const calibrationEnd = new Date(parseInstant(period.calibrationEnd)).toISOString();
  const holdoutEndMs = parseInstant(period.holdoutEnd);
  const holdoutDays = Math.floor(holdoutEndMs / dayMs) - Math.floor(Date.parse(calibrationEnd) / dayMs);
  const model = fitShopModel(customers, { ...options, asOf: calibrationEnd });
  const sums = Array.from({ length: topBucket + 1 }, () => ({ customers: 0, predicted: 0, actual: 0 }));
  for (const c of customers) {
    const before = summarizeOrders(c, Date.parse(calibrationEnd));
    if (!before) continue;
    const after = summarizeOrders(c, holdoutEndMs);
    const bucket = sums[Math.min(before.x, topBucket)] as (typeof sums)[number];
    bucket.customers += 1;
    bucket.predicted += expectedOccasions(model, c, calibrationEnd, holdoutDays) ?? 0;
    bucket.actual += (after?.x ?? before.x) - before.x;
  }
  const total = sums.reduce(
    (t, b) => ({
      customers: t.customers + b.customers,
      predicted: t.predicted + b.predicted,
      actual: t.actual + b.actual,
    }),
    { customers: 0, predicted: 0, actual: 0 },
  );
  return {
    calibrationEnd,
    holdoutEnd: new Date(holdoutEndMs).toISOString(),
    holdoutDays,
    method: model.method,
    ...(model.fallbackReason !== undefined && { fallbackReason: model.fallbackReason }),
    ...(model.params && { params: model.params }),
    ...(model.logLikelihood !== undefined && { logLikelihood: model.logLikelihood }),
    customersUsed: model.customersUsed,
    repeatBuyers: model.repeatBuyers,
    buckets: sums.map((b, x) => ({
      x: x === topBucket ? `${topBucket}+` : String(x),
      ...row(b.customers, b.predicted, b.actual),
    })),
    total: row(total.customers, total.predicted, total.actual),
  };
}
