import { describe, expect, it } from 'vitest';
import {
  incompleteBeta,
  logGamma,
  normalCdf,
  studentTCdf,
  studentTQuantile,
} from '../../../../../shared/domain/sending/statistics.js';

// Expected values from SciPy 1.17 (scipy.stats.t, scipy.special.betainc, gammaln, scipy.stats.norm).
describe('distribution functions', () => {
  it('match SciPy', () => {
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180756, 12);
    expect(logGamma(123.4)).toBeCloseTo(469.3360974421906, 10);
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 12);
    expect(incompleteBeta(0.02, 0.5, 40)).toBeCloseTo(0.7949681349925073, 10);
    expect(studentTCdf(2, 3.5)).toBeCloseTo(0.9369307387120432, 10);
    expect(studentTCdf(-1.3, 12.25)).toBeCloseTo(0.10876503507913825, 10);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(studentTQuantile(0.975, 57.3)).toBeCloseTo(2.002238268231336, 9);
    expect(studentTQuantile(0.975, 1.5)).toBeCloseTo(6.016663104427929, 8);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 7);
    expect(normalCdf(-3.1)).toBeCloseTo(0.0009676032132183563, 8);
  });

  it('are the Cauchy distribution at one degree of freedom', () => {
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12);
    expect(studentTQuantile(0.75, 1)).toBeCloseTo(1, 9);
  });
});
