/**
 * A shop's repurchase model and the per-customer predictions made from it. The BG/NBD (with the
 * Gamma-Gamma for spend) where it can be fitted reliably, else the median-interval fallback; every
 * figure says which. Times are ISO strings in and out, whole days inside; time is always an argument.
 */

import {
  type BgNbdParams,
  conditionalExpectedPurchases,
  fitBgNbd,
  medianTimeToNextPurchase,
  pAlive,
} from './bgnbd.js';
import { rhythmOf, shopMedianInterval } from './fallback.js';
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  type GammaGammaParams,
  type SpendHistory,
} from './gamma-gamma.js';
import { type CustomerOrders, dayMs, type OrderSummary, parseInstant, summarizeOrders } from './history.js';
import type { NelderMeadOptions } from './nelder-mead.js';

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

// Loose enough for any real shop; outside them the optimiser has run off along a flat ridge.
const bounds: Record<keyof BgNbdParams, [number, number]> = {
  r: [1e-4, 1e4],
  alpha: [1e-4, 1e6],
  a: [1e-4, 1e4],
  b: [1e-4, 1e4],
};

function unreliable(params: BgNbdParams, se: BgNbdParams, converged: boolean): string | undefined {
  if (!converged) return 'the optimiser did not converge';
  for (const k of Object.keys(bounds) as Array<keyof BgNbdParams>) {
    const [lo, hi] = bounds[k];
    if (!(params[k] >= lo && params[k] <= hi)) return `parameter ${k} = ${params[k]} is out of range`;
    if (!Number.isFinite(se[k])) return `the standard error of ${k} is not finite`;
  }
  return undefined;
}

/** Mean spend per repeat occasion, for the Gamma-Gamma. */
function spendHistory(s: OrderSummary): SpendHistory | null {
  if (s.x < 1 || !s.occasionSpend) return null;
  const m = s.occasionSpend.slice(1).reduce((a, b) => a + b, 0) / s.x;
  return m > 0 ? { x: s.x, m } : null;
}

export function fitShopModel(customers: readonly CustomerOrders[], options: ShopModelOptions): ShopModel {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const asOfMs = parseInstant(options.asOf);
  // At least one: neither model can be fitted on no repeat buyers at all.
  const minRepeatBuyers = Math.max(1, options.minRepeatBuyers ?? 100);
  const summaries: OrderSummary[] = [];
  for (const c of customers) {
    const s = summarizeOrders(c, asOfMs);
    if (s) summaries.push(s);
  }
  const repeatBuyers = summaries.filter((s) => s.x > 0).length;
  const model: ShopModel = {
    method: 'median-interval',
    asOf: options.asOf,
    customersUsed: summaries.length,
    repeatBuyers,
    shopMedianIntervalDays: shopMedianInterval(summaries),
    monthlyDiscountRate: options.monthlyDiscountRate ?? 0,
    fitMillis: 0,
  };
  if (repeatBuyers < minRepeatBuyers) {
    model.fallbackReason = `${repeatBuyers} customers with a repeat purchase, fewer than ${minRepeatBuyers}`;
  } else {
    const fit = fitBgNbd(summaries, options.optimiser);
    Object.assign(model, {
      params: fit.params,
      standardErrors: fit.standardErrors,
      logLikelihood: fit.logLikelihood,
    });
    const reason = unreliable(fit.params, fit.standardErrors, fit.converged);
    if (reason) model.fallbackReason = reason;
    else model.method = 'bgnbd';
  }
  const spends = summaries.map(spendHistory).filter((s): s is SpendHistory => s !== null);
  if (spends.length < minRepeatBuyers) {
    model.spendFallbackReason = `${spends.length} repeat buyers with known spend, fewer than ${minRepeatBuyers}`;
  } else {
    const gg = fitGammaGamma(spends, options.optimiser);
    const seFinite = Object.values(gg.standardErrors).every(Number.isFinite);
    if (gg.converged && gg.params.q > 1 && seFinite) {
      model.spend = { params: gg.params, standardErrors: gg.standardErrors, logLikelihood: gg.logLikelihood };
    } else {
      model.spendFallbackReason = !gg.converged
        ? 'the optimiser did not converge'
        : gg.params.q <= 1
          ? `q = ${gg.params.q} <= 1: mean spend infinite`
          : 'standard errors not finite';
    }
  }
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

/** The customer's figures as of asOf (orders after it are ignored); null if they have no order by then. */
export function predict(model: ShopModel, customer: CustomerOrders, asOf: string): CustomerPrediction | null {
  const asOfMs = parseInstant(asOf);
  const s = summarizeOrders(customer, asOfMs);
  if (!s) return null;
  const spend = spendPerOccasion(model, s);
  let prediction: CustomerPrediction;
  let expectedBy: ((days: number) => number) | null = null;
  if (model.method === 'bgnbd' && model.params) {
    const params = model.params;
    expectedBy = (days) => conditionalExpectedPurchases(params, s, days);
    prediction = {
      method: 'bgnbd',
      pAlive: pAlive(params, s),
      expected30: expectedBy(30),
      expected90: expectedBy(90),
      nextOrderAt: new Date(asOfMs + medianTimeToNextPurchase(params, s) * dayMs).toISOString(),
    };
  } else {
    const rhythm = rhythmOf(s, model.shopMedianIntervalDays);
    if (rhythm) expectedBy = (days) => days / rhythm.intervalDays;
    prediction = {
      method: 'median-interval',
      ...(rhythm && { median: rhythm.source }),
      pAlive: null,
      expected30: expectedBy ? expectedBy(30) : null,
      expected90: expectedBy ? expectedBy(90) : null,
      nextOrderAt: rhythm ? new Date(s.lastOrderMs + rhythm.intervalDays * dayMs).toISOString() : null,
    };
  }
  if (expectedBy && spend.value !== undefined) {
    prediction.clv12 = clv12(expectedBy, spend.value, model.monthlyDiscountRate);
    prediction.spendMethod = spend.spendMethod;
  }
  return prediction;
}
