/**
 * The Gamma-Gamma model of spend per purchase occasion: Fader, Hardie & Lee (2005), "RFM and CLV:
 * Using Iso-Value Curves for Customer Base Analysis", JMR 42(4), and Fader & Hardie's note "The
 * Gamma-Gamma Model of Monetary Value" (2013). Each occasion's spend is Gamma(p, ν) with
 * ν ~ Gamma(q, γ) across customers, independent of the purchase process.
 *
 * Fitted on customers with x ≥ 1 repeat occasions and m, the mean spend of those repeat occasions
 * (the first purchase is left out, as in the paper).
 */

import { logScaleStandardErrors, type NelderMeadOptions, nelderMead } from './nelder-mead.js';
import { lnGamma } from './special.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendHistory {
  /** Repeat purchase occasions, at least 1. */
  x: number;
  /** Mean spend per repeat occasion, > 0. */
  m: number;
  /** How many customers share this (x, m); 1 if absent. */
  weight?: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  standardErrors: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
  customers: number;
}

function checkSpend(s: SpendHistory): void {
  if (!Number.isInteger(s.x) || s.x < 1 || !(s.m > 0) || !Number.isFinite(s.m)) {
    throw new RangeError(`Not a spend history: x=${s.x}, m=${s.m}`);
  }
}

/**
 * Σ ln f(m | p, q, γ, x): the mean of x Gamma(p, ν) spends is Gamma(px, νx); mixing ν over Gamma(q, γ),
 *   f(m) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q m^(px−1) x^(px) / (γ + x m)^(px+q).
 * The data are reduced once to what does not depend on the parameters, so an evaluation costs one
 * log per customer and the log-gammas once per distinct x.
 */
function prepare(histories: readonly SpendHistory[]): (params: GammaGammaParams) => number {
  histories.forEach(checkSpend);
  const rows = histories.length;
  const xm = Float64Array.from(histories, (h) => h.x * h.m);
  const xCol = Float64Array.from(histories, (h) => h.x);
  const w = Float64Array.from(histories, (h) => h.weight ?? 1);
  const byX = new Map<number, number>();
  let n = 0;
  let sumXLnXm = 0; // Σ x ln(x m), the p-coefficient of m^(px) x^(px)
  let sumLnM = 0;
  for (const h of histories) {
    const weight = h.weight ?? 1;
    n += weight;
    byX.set(h.x, (byX.get(h.x) ?? 0) + weight);
    sumXLnXm += weight * h.x * Math.log(h.x * h.m);
    sumLnM += weight * Math.log(h.m);
  }
  return ({ p, q, gamma }) => {
    let ll = n * (q * Math.log(gamma) - lnGamma(q)) + p * sumXLnXm - sumLnM;
    for (const [x, count] of byX) ll += count * (lnGamma(p * x + q) - lnGamma(p * x));
    for (let i = 0; i < rows; i++) {
      ll -= (w[i] as number) * (p * (xCol[i] as number) + q) * Math.log(gamma + (xm[i] as number));
    }
    return ll;
  };
}

export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  histories: readonly SpendHistory[],
): number {
  return prepare(histories)(params);
}

/** Maximum likelihood by Nelder–Mead on (ln p, ln q, ln γ), from p = 1, q = 2 and γ matching the mean spend. */
export function fitGammaGamma(
  histories: readonly SpendHistory[],
  options: NelderMeadOptions = {},
): GammaGammaFit {
  if (histories.length === 0) throw new RangeError('No customers to fit');
  const logLikelihood = prepare(histories);
  const n = histories.reduce((s, h) => s + (h.weight ?? 1), 0);
  const meanSpend = histories.reduce((s, h) => s + (h.weight ?? 1) * h.m, 0) / n;
  const toParams = (u: readonly number[]): GammaGammaParams => ({
    p: Math.exp(u[0] as number),
    q: Math.exp(u[1] as number),
    gamma: Math.exp(u[2] as number),
  });
  const meanNll = (u: number[]) => -logLikelihood(toParams(u)) / n;
  // E[spend] = pγ/(q−1): with p = 1 and q = 2 that is γ.
  const result = nelderMead(meanNll, [0, Math.log(2), Math.log(meanSpend)], options);
  const se = logScaleStandardErrors((u) => meanNll(u) * n, result.x);
  return {
    params: toParams(result.x),
    standardErrors: { p: se[0] as number, q: se[1] as number, gamma: se[2] as number },
    logLikelihood: -result.fx * n,
    converged: result.converged,
    customers: n,
  };
}

/**
 * E[spend per occasion | x, m] = p(γ + x m)/(px + q − 1): a weighted mean of the population mean
 * pγ/(q−1) and the customer's own mean m, the weight on m growing with x. Needs q > 1.
 * With x = 0 it is the population mean.
 */
export function conditionalExpectedSpend({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  if (!(q > 1)) throw new RangeError(`The mean spend is infinite for q = ${q} <= 1`);
  return x > 0 ? (p * (gamma + x * m)) / (p * x + q - 1) : (p * gamma) / (q - 1);
}
