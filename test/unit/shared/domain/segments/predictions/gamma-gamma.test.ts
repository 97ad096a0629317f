import { describe, expect, it } from 'vitest';
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
} from '../../../../../../shared/domain/segments/predictions/gamma-gamma.js';
import { lnGamma } from '../../../../../../shared/domain/segments/predictions/special.js';
import { Sampler, simulateSpend } from '../../../../../support/purchase-simulation.js';

// Close to the paper's CDNOW estimates (p = 6.25, q = 3.74, γ = 15.44).
const truth: GammaGammaParams = { p: 6, q: 4, gamma: 15 };

describe('Gamma-Gamma', () => {
  it('has the marginal density of the mean spend', () => {
    const { p, q, gamma } = truth;
    const [x, m] = [3, 12.5];
    const density =
      (Math.exp(lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q)) *
        gamma ** q *
        m ** (p * x - 1) *
        x ** (p * x)) /
      (gamma + x * m) ** (p * x + q);
    expect(gammaGammaLogLikelihood(truth, [{ x, m }])).toBeCloseTo(Math.log(density), 10);
  });

  it('recovers simulated parameters within 3 standard errors', () => {
    const s = new Sampler(1);
    const data = Array.from({ length: 3000 }, () => {
      const x = 1 + Math.floor(s.uniform() * 8);
      const spends = simulateSpend(truth, x, s);
      return { x, m: spends.reduce((a, b) => a + b, 0) / x };
    });
    const fit = fitGammaGamma(data);
    expect(fit.converged).toBe(true);
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(Number.isFinite(fit.standardErrors[k])).toBe(true);
      expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(3 * fit.standardErrors[k]);
    }
  });

  it('shrinks a customer’s mean spend towards the population mean, less so with more purchases', () => {
    const population = (truth.p * truth.gamma) / (truth.q - 1);
    expect(conditionalExpectedSpend(truth, 0, 0)).toBeCloseTo(population, 12);
    const one = conditionalExpectedSpend(truth, 1, 100);
    const ten = conditionalExpectedSpend(truth, 10, 100);
    expect(one).toBeGreaterThan(population);
    expect(ten).toBeGreaterThan(one);
    expect(ten).toBeLessThan(100);
    expect(() => conditionalExpectedSpend({ ...truth, q: 0.9 }, 1, 10)).toThrow(RangeError);
  });
});
