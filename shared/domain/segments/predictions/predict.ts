/**
 * A shop's repurchase model and the per-customer predictions made from it. The BG/NBD (with the
 * Gamma-Gamma for spend) where it can be fitted reliably, else the median-interval fallback; every
 * figure says which. Times are ISO strings in and out, whole days inside; time is always an argument.
 */

import { type BgNbdParams, conditionalExpectedPurchases, medianTimeToNextPurchase, pAlive } from './bgnbd.js';
import { rhythmOf } from './fallback.js';
import { conditionalExpectedSpend, type GammaGammaParams, type SpendHistory } from './gamma-gamma.js';
import { type CustomerOrders, dayMs, type OrderSummary, parseInstant, summarizeOrders } from './history.js';
import type { NelderMeadOptions } from './nelder-mead.js';
import { addToModelSample, emptyModelSample, fitShopModelFromSample, repeatSpendOf } from './sample.js';

export type PredictionMethod = 'bgnbd' | 'median-interval';

export interface ShopModelOptions {
  /** Histories are cut at this instant. */
  asOf: string;
  /** Fewer customers with a repeat occasion than this and the BG/NBD is not trusted. Default 100. */
  minRepeatBuyers?: number;
  /** Discount rate per month for clv12 (0.01 = 1 % a month). Default 0. */
  monthlyDiscountRate?: number;
  optimiser?: NelderMeadOptions;
  /** A monotonic clock in ms for fitMillis only; default performance.now. */
  clock?: () => number;
}

export interface ShopModel {
  method: PredictionMethod;
  /** Why the BG/NBD was not used. */
  fallbackReason?: string;
  asOf: string;
  /** BG/NBD parameters, α in days; also reported when rejected, for diagnosis. */
  params?: BgNbdParams;
  standardErrors?: BgNbdParams;
  logLikelihood?: number;
  /** The Gamma-Gamma spend model, when it was fitted and usable. */
  spend?: { params: GammaGammaParams; standardErrors: GammaGammaParams; logLikelihood: number };
  spendFallbackReason?: string;
  /** Customers with an order by asOf. */
  customersUsed: number;
  repeatBuyers: number;
  shopMedianIntervalDays: number | null;
  monthlyDiscountRate: number;
  fitMillis: number;
}

export interface CustomerPrediction {
  method: PredictionMethod;
  /** For the median-interval method: whose median interval was used. */
  median?: 'customer' | 'shop';
  /** Null from the fallback, which has no notion of it. */
  pAlive: number | null;
  /** Expected purchase occasions in the next 30 and 90 days; null if nothing is known to go by. */
  expected30: number | null;
  expected90: number | null;
  /**
   * BG/NBD: asOf + the median time to the next purchase if the customer is still alive
   * (see medianTimeToNextPurchase). Fallback: last order + the median interval, which may be past.
   */
  nextOrderAt: string | null;
  /** Expected spend over the next 12 months, discounted monthly; when spend is known. Minor units. */
  clv12?: number;
  spendMethod?: 'gamma-gamma' | 'customer-mean';
}

/** Mean spend per repeat occasion, for the Gamma-Gamma. */
function spendHistory(s: OrderSummary): SpendHistory | null {
  const total = repeatSpendOf(s);
  return total === null ? null : { x: s.x, m: total / s.x };
}

/** The shop's model from its customers' orders: the model of their sample (see sample.ts). */
export function fitShopModel(customers: readonly CustomerOrders[], options: ShopModelOptions): ShopModel {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const asOfMs = parseInstant(options.asOf);
  const sample = emptyModelSample();
  for (const c of customers) addToModelSample(sample, c, asOfMs);
  const model = fitShopModelFromSample(sample, options);
  model.fitMillis = clock() - started;
  return model;
}

const monthDays = 365.25 / 12;

/** Σ over 12 months of expected spend in month k, discounted by (1+d)^k. */
function clv12(
  expectedBy: (days: number) => number,
  spendPerOccasion: number,
  monthlyDiscountRate: number,
): number {
  let value = 0;
  let previous = 0;
  for (let k = 1; k <= 12; k++) {
    const cumulative = expectedBy(k * monthDays);
    value += ((cumulative - previous) * spendPerOccasion) / (1 + monthlyDiscountRate) ** k;
    previous = cumulative;
  }
  return value;
}

function spendPerOccasion(
  model: ShopModel,
  s: OrderSummary,
): Pick<CustomerPrediction, 'spendMethod'> & { value?: number } {
  if (model.spend) {
    const repeat = spendHistory(s);
    return {
      spendMethod: 'gamma-gamma',
      value: conditionalExpectedSpend(model.spend.params, repeat?.x ?? 0, repeat?.m ?? 0),
    };
  }
  if (!s.occasionSpend) return {};
  return {
    spendMethod: 'customer-mean',
    value: s.occasionSpend.reduce((a, b) => a + b, 0) / s.occasionSpend.length,
  };
}

type Forecast = { prediction: CustomerPrediction; expectedBy: ((days: number) => number) | null };

/** The purchase figures by the model's method, and the expected occasions by any horizon. */
function forecastOf(model: ShopModel, s: OrderSummary, asOfMs: number): Forecast {
  if (model.method === 'bgnbd' && model.params) {
    const params = model.params;
    const expectedBy = (days: number) => conditionalExpectedPurchases(params, s, days);
    return {
      expectedBy,
      prediction: {
        method: 'bgnbd',
        pAlive: pAlive(params, s),
        expected30: expectedBy(30),
        expected90: expectedBy(90),
        nextOrderAt: new Date(asOfMs + medianTimeToNextPurchase(params, s) * dayMs).toISOString(),
      },
    };
  }
  const rhythm = rhythmOf(s, model.shopMedianIntervalDays);
  const expectedBy = rhythm ? (days: number) => days / rhythm.intervalDays : null;
  return {
    expectedBy,
    prediction: {
      method: 'median-interval',
      ...(rhythm && { median: rhythm.source }),
      pAlive: null,
      expected30: expectedBy ? expectedBy(30) : null,
      expected90: expectedBy ? expectedBy(90) : null,
      nextOrderAt: rhythm ? new Date(s.lastOrderMs + rhythm.intervalDays * dayMs).toISOString() : null,
    },
  };
}

/** The customer's figures as of asOf (orders after it are ignored); null if they have no order by then. */
export function predict(model: ShopModel, customer: CustomerOrders, asOf: string): CustomerPrediction | null {
  const asOfMs = parseInstant(asOf);
  const s = summarizeOrders(customer, asOfMs);
  if (!s) return null;
  const { prediction, expectedBy } = forecastOf(model, s, asOfMs);
  const spend = spendPerOccasion(model, s);
  if (expectedBy && spend.value !== undefined) {
    prediction.clv12 = clv12(expectedBy, spend.value, model.monthlyDiscountRate);
    prediction.spendMethod = spend.spendMethod;
  }
  return prediction;
}

/**
 * Expected purchase occasions in the `days` after asOf, as predict reckons them; null with no order
 * by asOf, or nothing to go by (the fallback in a shop without a repeat buyer).
 */
export function expectedOccasions(
  model: ShopModel,
  customer: CustomerOrders,
  asOf: string,
  days: number,
): number | null {
  const asOfMs = parseInstant(asOf);
  const s = summarizeOrders(customer, asOfMs);
  if (!s) return null;
  return forecastOf(model, s, asOfMs).expectedBy?.(days) ?? null;
}
