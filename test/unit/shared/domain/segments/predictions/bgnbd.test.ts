import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateHistories,
  type BgNbdParams,
  bgnbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  medianTimeToNextPurchase,
  type PurchaseHistory,
  pAlive,
} from '../../../../../../shared/domain/segments/predictions/bgnbd.js';
import { hyp2f1 } from '../../../../../../shared/domain/segments/predictions/special.js';
import { Sampler, simulateBgNbd } from '../../../../../support/purchase-simulation.js';

/** The paper's CDNOW estimates (weeks). */
const cdnow: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** Stirling series with upward recurrence: a log-gamma that shares nothing with the Lanczos one. */
function stirlingLnGamma(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 15) shift += Math.log(y++);
  const y2 = y * y;
  const series = 1 / (12 * y) - 1 / (360 * y * y2) + 1 / (1260 * y * y2 * y2) - 1 / (1680 * y * y2 * y2 * y2);
  return (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series - shift;
}
const beta = (a: number, b: number) =>
  Math.exp(stirlingLnGamma(a) + stirlingLnGamma(b) - stirlingLnGamma(a + b));

/** Eq. (6) as printed: L = B(a,b+x)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) + δ B(a+1,b+x−1)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+t_x)^(r+x)). */
function directLikelihood({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseHistory): number {
  const nbd = Math.exp(stirlingLnGamma(r + x) - stirlingLnGamma(r)) * alpha ** r;
  const alive = ((beta(a, b + x) / beta(a, b)) * nbd) / (alpha + T) ** (r + x);
  const dead = x > 0 ? ((beta(a + 1, b + x - 1) / beta(a, b)) * nbd) / (alpha + tx) ** (r + x) : 0;
  return alive + dead;
}

/** Eq. (10) as printed, with the series 2F1 taken directly. */
function directConditional(
  { r, alpha, a, b }: BgNbdParams,
  { x, tx, T }: PurchaseHistory,
  t: number,
): number {
  const z = t / (alpha + T + t);
  const num =
    ((a + b + x - 1) / (a - 1)) *
    (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z));
  const den = 1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0);
  return num / den;
}

const tiny: PurchaseHistory[] = [
  { x: 0, tx: 0, T: 38.86 },
  { x: 1, tx: 1.71, T: 38.86 },
  { x: 2, tx: 30.43, T: 38.86 },
  { x: 7, tx: 29.43, T: 38.86 },
  { x: 29, tx: 37.71, T: 38 },
  { x: 3, tx: 3, T: 3 },
];

describe('BG/NBD log-likelihood, eq. (6)', () => {
  it.each([cdnow, { r: 2.5, alpha: 30, a: 1.7, b: 0.4 }, { r: 0.05, alpha: 0.9, a: 0.2, b: 12 }])(
    'matches the direct formula on a hand-made dataset (%o)',
    (params) => {
      const direct = tiny.reduce((s, h) => s + Math.log(directLikelihood(params, h)), 0);
      expect(bgnbdLogLikelihood(params, tiny)).toBeCloseTo(direct, 9);
    },
  );

  it('matches a value computed with scipy', () => {
    expect(bgnbdLogLikelihood(cdnow, tiny.slice(0, 3).concat(tiny[3] ?? []))).toBeCloseTo(
      Math.log(directLikelihood(cdnow, { x: 1, tx: 1.71, T: 38.86 })) + -31.876595854967945,
      9,
    );
  });

  it('weights rows as repeated customers', () => {
    const repeated = [...tiny, ...tiny, tiny[2] as PurchaseHistory];
    const weighted = aggregateHistories(repeated);
    expect(weighted).toHaveLength(tiny.length);
    expect(bgnbdLogLikelihood(cdnow, weighted)).toBeCloseTo(bgnbdLogLikelihood(cdnow, repeated), 9);
  });

  it('refuses impossible histories', () => {
    expect(() => bgnbdLogLikelihood(cdnow, [{ x: 1, tx: 5, T: 4 }])).toThrow(RangeError);
    expect(() => bgnbdLogLikelihood(cdnow, [{ x: 1.5, tx: 1, T: 4 }])).toThrow(RangeError);
  });
});

describe('BG/NBD expectations', () => {
  it('eq. (10) matches the direct formula with 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))', () => {
    for (const params of [cdnow, { r: 1.3, alpha: 12, a: 2.2, b: 5 }]) {
      for (const h of tiny.slice(0, 4)) {
        for (const t of [1, 13, 39, 104]) {
          expect(conditionalExpectedPurchases(params, h, t) / directConditional(params, h, t)).toBeCloseTo(
            1,
            10,
          );
        }
      }
    }
  });

  it('matches scipy, including a heavy buyer', () => {
    // scipy.special.hyp2f1 with eq. (10) and eq. (7) as printed.
    expect(conditionalExpectedPurchases(cdnow, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(
      1.226028174767135,
      11,
    );
    expect(conditionalExpectedPurchases(cdnow, { x: 29, tx: 37.71, T: 38 }, 39)).toBeCloseTo(
      20.052948986497928,
      9,
    );
    expect(expectedPurchases(cdnow, 39)).toBeCloseTo(1.1967231933207985, 11);
    expect(pAlive(cdnow, { x: 2, tx: 30.43, T: 38.86 })).toBeCloseTo(0.726578570080673, 12);
  });

  it('is finite at a = 1, where eq. (10) reads 0/0 (limit by mpmath)', () => {
    const value = conditionalExpectedPurchases({ ...cdnow, a: 1 }, { x: 3, tx: 20, T: 38 }, 39);
    expect(value).toBeCloseTo(0.9934232793329778, 8);
  });

  it('eq. (7) matches the direct formula and starts at rate r/α', () => {
    const { r, alpha, a, b } = cdnow;
    for (const t of [2, 39, 78]) {
      const direct =
        ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)));
      expect(expectedPurchases(cdnow, t) / direct).toBeCloseTo(1, 10);
    }
    expect(expectedPurchases(cdnow, 1e-6) / 1e-6).toBeCloseTo(r / alpha, 6);
  });

  it('eq. (7) agrees with simulated new customers', () => {
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const sim = simulateBgNbd(truth, 20_000, { seed: 11, tMin: 20, tMax: 52 });
    const expected = sim.reduce((s, c) => s + expectedPurchases(truth, c.T), 0);
    const actual = sim.reduce((s, c) => s + c.x, 0);
    expect(Math.abs(expected / actual - 1)).toBeLessThan(0.05);
  });

  it('scales with the time unit: days and weeks give the same answers', () => {
    const days = { ...cdnow, alpha: cdnow.alpha * 7 };
    const h = { x: 4, tx: 20, T: 30 };
    const hDays = { x: 4, tx: 140, T: 210 };
    expect(conditionalExpectedPurchases(days, hDays, 91)).toBeCloseTo(
      conditionalExpectedPurchases(cdnow, h, 13),
      12,
    );
    expect(pAlive(days, hDays)).toBeCloseTo(pAlive(cdnow, h), 12);
    expect(medianTimeToNextPurchase(days, hDays)).toBeCloseTo(7 * medianTimeToNextPurchase(cdnow, h), 9);
  });
});

describe('P(alive)', () => {
  it('is 1 with no repeat purchase, however long ago: dropout only follows a repeat purchase', () => {
    for (const T of [0, 10, 1000]) expect(pAlive(cdnow, { x: 0, tx: 0, T })).toBe(1);
  });

  it('is 1/(1 + a/b) for one repeat purchase made just now', () => {
    expect(pAlive(cdnow, { x: 1, tx: 30, T: 30 })).toBeCloseTo(1 / (1 + cdnow.a / cdnow.b), 14);
  });

  it('falls as T grows and rises with t_x', () => {
    const values = [35, 40, 60, 100].map((T) => pAlive(cdnow, { x: 3, tx: 30, T }));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1] as number);
    expect(pAlive(cdnow, { x: 3, tx: 35, T: 40 })).toBeGreaterThan(pAlive(cdnow, { x: 3, tx: 10, T: 40 }));
  });
});

describe('BG/NBD properties', () => {
  const params = fc.record({
    r: fc.double({ min: 0.02, max: 10, noNaN: true }),
    alpha: fc.double({ min: 0.1, max: 300, noNaN: true }),
    a: fc.double({ min: 0.02, max: 10, noNaN: true }),
    b: fc.double({ min: 0.02, max: 20, noNaN: true }),
  });
  const history = fc
    .record({
      x: fc.integer({ min: 0, max: 150 }),
      T: fc.double({ min: 0, max: 500, noNaN: true }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : share * T }));
  const horizons = fc
    .tuple(fc.double({ min: 0, max: 730, noNaN: true }), fc.double({ min: 0, max: 730, noNaN: true }))
    .map(([s, t]) => [Math.min(s, t), Math.max(s, t)] as const);

  it('P(alive) lies in [0, 1] and falls as T grows', () => {
    fc.assert(
      fc.property(params, history, fc.double({ min: 0, max: 100, noNaN: true }), (p, h, more) => {
        const now = pAlive(p, h);
        expect(now).toBeGreaterThanOrEqual(0);
        expect(now).toBeLessThanOrEqual(1);
        expect(pAlive(p, { ...h, T: h.T + more })).toBeLessThanOrEqual(now);
      }),
    );
  });

  it('expectations are finite, non-negative and grow with the horizon', () => {
    fc.assert(
      fc.property(params, history, horizons, (p, h, [t1, t2]) => {
        const [e1, e2] = [conditionalExpectedPurchases(p, h, t1), conditionalExpectedPurchases(p, h, t2)];
        expect(Number.isFinite(e2)).toBe(true);
        expect(e1).toBeGreaterThanOrEqual(0);
        // Relative slack for rounding, absolute for underflow near t = 0.
        expect(e2).toBeGreaterThanOrEqual(e1 * (1 - 1e-9) - 1e-300);
        const [u1, u2] = [expectedPurchases(p, t1), expectedPurchases(p, t2)];
        expect(u1).toBeGreaterThanOrEqual(0);
        expect(u2).toBeGreaterThanOrEqual(u1 * (1 - 1e-9) - 1e-300);
        expect(medianTimeToNextPurchase(p, h)).toBeGreaterThan(0);
      }),
    );
  });
});

describe('BG/NBD fit', () => {
  const truth: BgNbdParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  // Weeks, acquisition staggered over 12 weeks as in CDNOW, then a 39-week holdout.
  const sim = simulateBgNbd(truth, 10_000, { seed: 4, tMin: 27, tMax: 39, holdout: 39 });
  const fit = fitBgNbd(sim);

  it('recovers the simulated parameters within 3 standard errors', () => {
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Number.isFinite(fit.standardErrors[k])).toBe(true);
      expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(3 * fit.standardErrors[k]);
    }
    expect(fit.logLikelihood).toBeCloseTo(bgnbdLogLikelihood(fit.params, sim), 6);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(truth, sim));
  });

  it('predicts the holdout purchases within 10 %', () => {
    const predicted = sim.reduce((s, c) => s + conditionalExpectedPurchases(fit.params, c, 39), 0);
    const actual = sim.reduce((s, c) => s + c.holdoutPurchases, 0);
    expect(Math.abs(predicted / actual - 1)).toBeLessThan(0.1);
  });

  it('gives the same fit on aggregated data', () => {
    const s = new Sampler(5);
    const whole = Array.from({ length: 3000 }, () => {
      const x = Math.floor(s.uniform() * 4);
      const T = 30 + Math.floor(s.uniform() * 10);
      return { x, T, tx: x === 0 ? 0 : Math.floor(s.uniform() * T) };
    });
    const a = fitBgNbd(whole);
    const b = fitBgNbd(aggregateHistories(whole).flatMap((h) => Array.from({ length: h.weight }, () => h)));
    expect(a.distinctHistories).toBe(aggregateHistories(whole).length);
    expect(a.distinctHistories).toBeLessThan(whole.length / 2);
    expect(a.logLikelihood).toBeCloseTo(b.logLikelihood, 6);
  });
});
