/**
 * The BG/NBD repurchase model: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way:
 * An Alternative to the Pareto/NBD Model", Marketing Science 24(2). Equation numbers are the paper's.
 *
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat
 * purchase they drop out for good with probability p ~ Beta(a, b).
 *
 * A customer's history is (x, t_x, T): x repeat purchase occasions after the first, t_x the time of
 * the last one and T the time of observation, both since the first purchase (t_x = 0 when x = 0).
 * The functions here work in any time unit, and α carries it; huitou's callers use days.
 */

import { logScaleStandardErrors, type NelderMeadOptions, nelderMead } from './nelder-mead.js';
import { hyp2f1Tail, lnGamma } from './special.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
}

export interface WeightedHistory extends PurchaseHistory {
  /** How many customers share this history. */
  weight: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** From the numerical Hessian at the optimum; Infinity where it is not positive definite. */
  standardErrors: BgNbdParams;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  customers: number;
  /** Distinct (x, t_x, T) after aggregation: what each likelihood evaluation loops over. */
  distinctHistories: number;
}

function checkHistory(h: PurchaseHistory): void {
  if (!Number.isInteger(h.x) || h.x < 0 || !(h.tx >= 0) || !(h.T >= h.tx) || (h.x === 0 && h.tx !== 0)) {
    throw new RangeError(`Not a purchase history: x=${h.x}, t_x=${h.tx}, T=${h.T}`);
  }
}

/** Identical (x, t_x, T) collapsed into one weighted row: shop data measured in days repeat a lot. */
export function aggregateHistories(histories: readonly PurchaseHistory[]): WeightedHistory[] {
  const rows = new Map<string, WeightedHistory>();
  for (const h of histories) {
    checkHistory(h);
    const key = `${h.x}|${h.tx}|${h.T}`;
    const row = rows.get(key);
    if (row) row.weight++;
    else rows.set(key, { x: h.x, tx: h.tx, T: h.T, weight: 1 });
  }
  return [...rows.values()];
}

interface Columns {
  x: Int32Array;
  /** t_x and T as indices into `times`: ln(α + t) is then taken once per distinct time. */
  tx: Int32Array;
  T: Int32Array;
  times: Float64Array;
  w: Float64Array;
  /** Distinct x with their total weight: the x-only parts of the likelihood are summed once per x. */
  xs: number[];
  xWeights: number[];
  maxX: number;
  total: number;
}

function columns(rows: readonly (PurchaseHistory & { weight?: number })[]): Columns {
  const n = rows.length;
  const x = new Int32Array(n);
  const tx = new Int32Array(n);
  const T = new Int32Array(n);
  const w = new Float64Array(n);
  const times = new Map<number, number>();
  const timeIndex = (t: number) => {
    let i = times.get(t);
    if (i === undefined) {
      i = times.size;
      times.set(t, i);
    }
    return i;
  };
  const byX = new Map<number, number>();
  let total = 0;
  rows.forEach((row, i) => {
    checkHistory(row);
    const weight = row.weight ?? 1;
    x[i] = row.x;
    tx[i] = timeIndex(row.tx);
    T[i] = timeIndex(row.T);
    w[i] = weight;
    total += weight;
    byX.set(row.x, (byX.get(row.x) ?? 0) + weight);
  });
  const xs = [...byX.keys()];
  return {
    x,
    tx,
    T,
    times: Float64Array.from(times.keys()),
    w,
    xs,
    xWeights: xs.map((k) => byX.get(k) as number),
    maxX: xs.reduce((m, k) => Math.max(m, k), 0),
    total,
  };
}

/**
 * Σ weight · ln L(r, α, a, b | x, t_x, T), eq. (6) written as in the paper's implementation note:
 * ln L = ln A₁ + ln A₂ + ln(A₃ + δ_{x>0} A₄) with
 *   A₁ = Γ(r+x) α^r / Γ(r),   A₂ = Γ(a+b) Γ(b+x) / (Γ(b) Γ(a+b+x)),
 *   A₃ = (α+T)^−(r+x),        A₄ = a/(b+x−1) · (α+t_x)^−(r+x),
 * with log-gamma throughout and log-sum-exp for the last term.
 */
function logLikelihoodOf(p: BgNbdParams, c: Columns): number {
  const { r, alpha, a, b } = p;
  const lnA4Const = new Float64Array(c.maxX + 1);
  const shared = r * Math.log(alpha) - lnGamma(r) + lnGamma(a + b) - lnGamma(b);
  let ll = 0;
  c.xs.forEach((x, k) => {
    ll += (c.xWeights[k] as number) * (shared + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x));
    if (x > 0) lnA4Const[x] = Math.log(a) - Math.log(b + x - 1);
  });
  const lnAlphaPlus = c.times.map((t) => Math.log(alpha + t));
  for (let i = 0; i < c.x.length; i++) {
    const x = c.x[i] as number;
    const lnA3 = -(r + x) * (lnAlphaPlus[c.T[i] as number] as number);
    let term = lnA3;
    if (x > 0) {
      const lnA4 = (lnA4Const[x] as number) - (r + x) * (lnAlphaPlus[c.tx[i] as number] as number);
      term =
        lnA3 > lnA4 ? lnA3 + Math.log1p(Math.exp(lnA4 - lnA3)) : lnA4 + Math.log1p(Math.exp(lnA3 - lnA4));
    }
    ll += (c.w[i] as number) * term;
  }
  return ll;
}

/** The BG/NBD log-likelihood, eq. (6), summed over histories (each with an optional weight). */
export function bgnbdLogLikelihood(
  params: BgNbdParams,
  histories: readonly (PurchaseHistory & { weight?: number })[],
): number {
  return logLikelihoodOf(params, columns(histories));
}

const fromLog = (u: readonly number[]): BgNbdParams => ({
  r: Math.exp(u[0] as number),
  alpha: Math.exp(u[1] as number),
  a: Math.exp(u[2] as number),
  b: Math.exp(u[3] as number),
});

/**
 * Maximum likelihood by Nelder–Mead on (ln r, ln α, ln a, ln b), which keeps all four positive.
 * Start: r = a = b = 1 and α matching the mean repeat rate (r/α = Σx / ΣT); restarts confirm the optimum.
 * The objective is the mean negative log-likelihood so that tolerances do not depend on the shop's size.
 */
export function fitBgNbd(histories: readonly PurchaseHistory[], options: NelderMeadOptions = {}): BgNbdFit {
  return fitWeightedBgNbd(aggregateHistories(histories), options);
}

/** fitBgNbd on rows already aggregated (a shop's model sample, merged from shards). */
export function fitWeightedBgNbd(
  rows: readonly WeightedHistory[],
  options: NelderMeadOptions = {},
): BgNbdFit {
  const c = columns(rows);
  if (c.total === 0) throw new RangeError('No customers to fit');
  let sumX = 0;
  let sumT = 0;
  rows.forEach((h) => {
    sumX += h.weight * h.x;
    sumT += h.weight * h.T;
  });
  const alpha0 = sumT / Math.max(sumX, 1) || 1;
  const meanNll = (u: number[]) => -logLikelihoodOf(fromLog(u), c) / c.total;
  const result = nelderMead(meanNll, [0, Math.log(alpha0), 0, 0], options);
  const se = logScaleStandardErrors((u) => meanNll(u) * c.total, result.x);
  return {
    params: fromLog(result.x),
    standardErrors: { r: se[0] as number, alpha: se[1] as number, a: se[2] as number, b: se[3] as number },
    logLikelihood: -result.fx * c.total,
    converged: result.converged,
    iterations: result.iterations,
    evaluations: result.evaluations,
    customers: c.total,
    distinctHistories: rows.length,
  };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)): the denominator of
 * eq. (10), derived in Fader, Hardie & Lee, "Computing P(alive) using the BG/NBD model".
 * It is 1 for x = 0: in the BG/NBD a customer can only drop out right after a repeat purchase.
 */
export function pAlive(p: BgNbdParams, h: PurchaseHistory): number {
  checkHistory(h);
  return 1 / (1 + deadOdds(p, h));
}

function deadOdds({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseHistory): number {
  if (x === 0) return 0;
  return Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)));
}

/**
 * c/(a−1) · [1 − (1−z)^s · 2F1(s, β; c; z)], the shape shared by eqs. (7) and (10), where c − β = a − 1.
 * Euler's transformation turns (1−z)^s 2F1(s, β; c; z) into (1−z)^(a−1) 2F1(c−s, a−1; c; z), whose
 * series converges fast even for large x (no (1−z)^−x blow-up), and whose tail carries the factor
 * (a−1) so the bracket is formed without cancellation. At a = 1 the formula is 0/0 with a finite
 * limit; near it the mean of the values at 1 ± 2e-5 is used (second-order error, about 1e-9).
 */
function expectedPurchasesShape(a: number, s: number, c: number, z: number): number {
  if (Math.abs(a - 1) < 1e-5) {
    return (expectedPurchasesShape(1 + 2e-5, s, c, z) + expectedPurchasesShape(1 - 2e-5, s, c, z)) / 2;
  }
  const lnOneMinusZ = Math.log1p(-z);
  const bracket =
    -Math.expm1((a - 1) * lnOneMinusZ) - Math.exp((a - 1) * lnOneMinusZ) * hyp2f1Tail(c - s, a - 1, c, z);
  // Non-negative in exact arithmetic; rounding can dip below 0 for a horizon of next to nothing.
  return Math.max(0, (c / (a - 1)) * bracket);
}

/**
 * E[X(t)], eq. (7): expected repeat purchases in (0, t] for a customer just acquired,
 * (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))].
 */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  if (!(t >= 0)) throw new RangeError(`Horizon must be non-negative, got ${t}`);
  if (t === 0) return 0;
  return expectedPurchasesShape(p.a, p.r, p.a + p.b - 1, t / (p.alpha + t));
}

/**
 * E[Y(t) | x, t_x, T], eq. (10): expected purchases in (T, T+t] given the history,
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 */
export function conditionalExpectedPurchases(p: BgNbdParams, h: PurchaseHistory, t: number): number {
  checkHistory(h);
  if (!(t >= 0)) throw new RangeError(`Horizon must be non-negative, got ${t}`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = p;
  const numerator = expectedPurchasesShape(a, r + h.x, a + b + h.x - 1, t / (alpha + h.T + t));
  return numerator / (1 + deadOdds(p, h));
}

/**
 * Median time from T to the next purchase, given the customer is alive at T. In the BG/NBD a live
 * customer cannot drop out before their next purchase, and given alive λ | history ~ Gamma(r+x, α+T),
 * so P(no purchase in (T, T+w]) = ((α+T)/(α+T+w))^(r+x) and the median is (α+T)(2^(1/(r+x)) − 1).
 * Weigh it with pAlive: for a customer who has probably left it is the date they would buy by.
 */
export function medianTimeToNextPurchase(p: BgNbdParams, h: PurchaseHistory): number {
  checkHistory(h);
  return (p.alpha + h.T) * Math.expm1(Math.LN2 / (p.r + h.x));
}
