/**
 * A shop's model sample: everything fitShopModel reads from the customers, aggregated so that it
 * stays small and adds up. The nightly refresh reads a shop shard by shard on separate workers;
 * each hands over the sample of its customers (JSON), the samples are merged, and one model is
 * fitted for the shop. Customers with the same (x, t_x, T) — whole days, so they repeat a lot — are
 * one weighted row, as are repeat buyers with the same (x, repeat spend) and the same own median
 * interval; the sample grows with the distinct histories, not with the customers.
 */

import { type BgNbdParams, fitWeightedBgNbd, type WeightedHistory } from './bgnbd.js';
import { median } from './fallback.js';
import { fitGammaGamma, type SpendHistory } from './gamma-gamma.js';
import { type CustomerOrders, type OrderSummary, parseInstant, summarizeOrders } from './history.js';
import type { ShopModel, ShopModelOptions } from './predict.js';

export interface ModelSample {
  /** The instant (ms) the histories are cut at; null until a customer is added. */
  asOfMs: number | null;
  /** Customers with an order by asOfMs. */
  customers: number;
  /** "x,tx,T" (days) → how many customers have that history. */
  histories: Record<string, number>;
  /** "x,s" → repeat buyers with x repeat occasions that cost s in all (minor units), s > 0. */
  spends: Record<string, number>;
  /** A repeat buyer's own median interval between occasions (days) → how many have it. */
  medianIntervals: Record<string, number>;
}

export function emptyModelSample(): ModelSample {
  return { asOfMs: null, customers: 0, histories: {}, spends: {}, medianIntervals: {} };
}

/** What the repeat occasions cost in all, when every amount is known and it is positive; else null. */
export function repeatSpendOf(s: OrderSummary): number | null {
  if (s.x < 1 || !s.occasionSpend) return null;
  const total = s.occasionSpend.slice(1).reduce((a, b) => a + b, 0);
  return total > 0 ? total : null;
}

function sameCut(a: number | null, b: number | null): number | null {
  if (a !== null && b !== null && a !== b) {
    throw new RangeError(
      `Samples cut at different instants: ${new Date(a).toISOString()} and ${new Date(b).toISOString()}`,
    );
  }
  return a ?? b;
}

function count(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Adds one customer's history as of asOfMs (later orders ignored); a customer with no order by then adds nothing. */
export function addToModelSample(sample: ModelSample, orders: CustomerOrders, asOfMs: number): void {
  sample.asOfMs = sameCut(sample.asOfMs, asOfMs);
  const s = summarizeOrders(orders, asOfMs);
  if (!s) return;
  sample.customers += 1;
  count(sample.histories, `${s.x},${s.tx},${s.T}`);
  const spend = repeatSpendOf(s);
  if (spend !== null) count(sample.spends, `${s.x},${spend}`);
  const own = median(s.intervalsDays);
  if (own !== null) count(sample.medianIntervals, String(own));
}

/** The sample of both shards' customers; neither argument is changed. */
export function mergeModelSamples(a: ModelSample, b: ModelSample): ModelSample {
  const out: ModelSample = {
    asOfMs: sameCut(a.asOfMs, b.asOfMs),
    customers: a.customers + b.customers,
    histories: { ...a.histories },
    spends: { ...a.spends },
    medianIntervals: { ...a.medianIntervals },
  };
  for (const [k, n] of Object.entries(b.histories)) count(out.histories, k, n);
  for (const [k, n] of Object.entries(b.spends)) count(out.spends, k, n);
  for (const [k, n] of Object.entries(b.medianIntervals)) count(out.medianIntervals, k, n);
  return out;
}

/**
 * The rows of a map keyed by comma-separated numbers, in numeric key order: the fit then sums in
 * the same order however the sample was put together, so merged shards fit exactly like one.
 */
function rowsOf(map: Record<string, number>): Array<{ key: number[]; weight: number }> {
  const rows = Object.entries(map).map(([k, weight]) => ({ key: k.split(',').map(Number), weight }));
  return rows.sort((p, q) => {
    for (let i = 0; i < p.key.length; i++) {
      const d = (p.key[i] as number) - (q.key[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
}

/** The weighted median of the customers' own medians: one vote per repeat buyer (see shopMedianInterval). */
function weightedMedian(map: Record<string, number>): number | null {
  const rows = rowsOf(map);
  const total = rows.reduce((s, r) => s + r.weight, 0);
  if (total === 0) return null;
  // The values at 0-based ranks ⌊(n−1)/2⌋ and ⌊n/2⌋: one value for odd n, the two middle ones for even.
  const at = (rank: number) => {
    let seen = 0;
    for (const r of rows) {
      seen += r.weight;
      if (rank < seen) return r.key[0] as number;
    }
    throw new RangeError('rank beyond the sample');
  };
  return (at(Math.floor((total - 1) / 2)) + at(Math.floor(total / 2))) / 2;
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

/**
 * The shop's model from its sample: the BG/NBD where enough customers bought again and the fit is
 * sound, else the median-interval fallback (saying why); the Gamma-Gamma likewise for spend.
 */
export function fitShopModelFromSample(sample: ModelSample, options: ShopModelOptions): ShopModel {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  sameCut(sample.asOfMs, parseInstant(options.asOf));
  // At least one: neither model can be fitted on no repeat buyers at all.
  const minRepeatBuyers = Math.max(1, options.minRepeatBuyers ?? 100);
  const histories: WeightedHistory[] = rowsOf(sample.histories).map(({ key: [x, tx, T], weight }) => ({
    x: x as number,
    tx: tx as number,
    T: T as number,
    weight,
  }));
  const repeatBuyers = histories.reduce((n, h) => n + (h.x > 0 ? h.weight : 0), 0);
  const model: ShopModel = {
    method: 'median-interval',
    asOf: options.asOf,
    customersUsed: sample.customers,
    repeatBuyers,
    shopMedianIntervalDays: weightedMedian(sample.medianIntervals),
    monthlyDiscountRate: options.monthlyDiscountRate ?? 0,
    fitMillis: 0,
  };
  if (repeatBuyers < minRepeatBuyers) {
    model.fallbackReason = `${repeatBuyers} customers with a repeat purchase, fewer than ${minRepeatBuyers}`;
  } else {
    const fit = fitWeightedBgNbd(histories, options.optimiser);
    Object.assign(model, {
      params: fit.params,
      standardErrors: fit.standardErrors,
      logLikelihood: fit.logLikelihood,
    });
    const reason = unreliable(fit.params, fit.standardErrors, fit.converged);
    if (reason) model.fallbackReason = reason;
    else model.method = 'bgnbd';
  }
  const spends: SpendHistory[] = rowsOf(sample.spends).map(({ key: [x, total], weight }) => ({
    x: x as number,
    m: (total as number) / (x as number),
    weight,
  }));
  const spenders = spends.reduce((n, s) => n + (s.weight ?? 1), 0);
  if (spenders < minRepeatBuyers) {
    model.spendFallbackReason = `${spenders} repeat buyers with known spend, fewer than ${minRepeatBuyers}`;
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
