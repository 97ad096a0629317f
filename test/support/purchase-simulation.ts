/**
 * Seeded simulation of the BG/NBD and Gamma-Gamma generative processes, for parameter recovery in
 * the unit tests and for the prediction benchmark. Deterministic for a seed.
 */

import type { BgNbdParams } from '../../shared/domain/segments/predictions/bgnbd.js';
import type { GammaGammaParams } from '../../shared/domain/segments/predictions/gamma-gamma.js';
import type { CustomerOrders } from '../../shared/domain/segments/predictions/history.js';

/** sfc32: small, fast, and good enough statistically for simulation. */
export function rng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  // Never 0, so logs stay finite.
  return () => (next() * 4294967295 + 1) / 4294967296;
}

export class Sampler {
  readonly uniform: () => number;
  constructor(seed: number) {
    this.uniform = rng(seed);
  }

  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }

  exponential(rate: number): number {
    return -Math.log(this.uniform()) / rate;
  }

  /** Marsaglia & Tsang (2000); shape < 1 by the boost Gamma(k) = Gamma(k+1) · U^(1/k). */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = this.normal();
      const v = (1 + c * z) ** 3;
      if (v <= 0) continue;
      const u = this.uniform();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    return x / (x + this.gamma(b, 1));
  }
}

export interface SimulatedCustomer {
  /** Times of repeat purchases after the first (at 0), up to T + holdout. */
  purchases: number[];
  x: number;
  tx: number;
  T: number;
  /** Purchases in (T, T + holdout]. */
  holdoutPurchases: number;
}

/**
 * BG/NBD customers: the first purchase at 0, then Poisson(λ) purchases while alive, dropping out
 * with probability p after each repeat purchase; λ ~ Gamma(r, α), p ~ Beta(a, b). T uniform on
 * [tMin, tMax] (staggered acquisition), observed further to T + holdout.
 */
export function simulateBgNbd(
  params: BgNbdParams,
  n: number,
  options: { seed: number; tMin: number; tMax: number; holdout?: number },
): SimulatedCustomer[] {
  const s = new Sampler(options.seed);
  const holdout = options.holdout ?? 0;
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const T = options.tMin + (options.tMax - options.tMin) * s.uniform();
    const lambda = s.gamma(params.r, params.alpha);
    const p = s.beta(params.a, params.b);
    const purchases: number[] = [];
    let t = 0;
    for (;;) {
      t += s.exponential(lambda);
      if (t > T + holdout) break;
      purchases.push(t);
      if (s.uniform() < p) break;
    }
    const inCalibration = purchases.filter((u) => u <= T);
    out.push({
      purchases,
      x: inCalibration.length,
      tx: inCalibration.at(-1) ?? 0,
      T,
      holdoutPurchases: purchases.length - inCalibration.length,
    });
  }
  return out;
}

/** Spend per occasion Gamma(p, ν) with ν ~ Gamma(q, γ) per customer. */
export function simulateSpend(params: GammaGammaParams, occasions: number, s: Sampler): number[] {
  const nu = s.gamma(params.q, params.gamma);
  return Array.from({ length: occasions }, () => s.gamma(params.p, nu));
}

/**
 * A shop's customers as orders with ISO times: BG/NBD purchase times in days (α in days), first
 * purchases spread over the `acquisitionDays` before `asOf`, spend from the Gamma-Gamma in minor units.
 */
export function simulateShop(
  params: BgNbdParams,
  spend: GammaGammaParams,
  n: number,
  options: { seed: number; asOf: string; acquisitionDays: number; minAgeDays?: number },
): CustomerOrders[] {
  const asOfMs = Date.parse(options.asOf);
  const minAge = options.minAgeDays ?? 0;
  const customers = simulateBgNbd(params, n, {
    seed: options.seed,
    tMin: minAge,
    tMax: options.acquisitionDays,
  });
  const s = new Sampler(options.seed + 1);
  return customers.map((c) => {
    const firstMs = asOfMs - c.T * 86_400_000;
    const times = [0, ...c.purchases];
    const amounts = simulateSpend(spend, times.length, s);
    return {
      orders: times.map((t, i) => ({
        at: new Date(firstMs + t * 86_400_000).toISOString(),
        amount: Math.max(1, Math.round((amounts[i] as number) * 100)),
      })),
    };
  });
}
