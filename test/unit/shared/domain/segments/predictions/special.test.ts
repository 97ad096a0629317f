import { describe, expect, it } from 'vitest';
import { hyp2f1, hyp2f1Tail, lnGamma } from '../../../../../../shared/domain/segments/predictions/special.js';

describe('lnGamma', () => {
  it('matches factorials and known values', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      factorial *= n;
      expect(lnGamma(n + 1)).toBeCloseTo(Math.log(factorial), 12);
    }
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(2)).toBeCloseTo(0, 14);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    // Reference values from scipy.special.gammaln.
    expect(lnGamma(1.5)).toBeCloseTo(-0.12078223763524526, 14);
    expect(lnGamma(0.001)).toBeCloseTo(6.907178885383853, 12);
    expect(lnGamma(100) / 359.1342053695754).toBeCloseTo(1, 14);
    expect(lnGamma(2.7e5) / 3106662.520104961).toBeCloseTo(1, 14);
  });

  it('is infinite at the poles', () => {
    expect(lnGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(lnGamma(-3)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('hyp2f1', () => {
  it.each([0.01, 0.3, 0.7, 0.95, -0.5])('2F1(1, 1; 2; %d) = −ln(1−z)/z', (z) => {
    expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 12);
  });

  it.each([
    [0.7, 2.3, 0.4],
    [3.5, 0.25, 0.9],
    [12, 4, 0.6],
  ])('2F1(a, b; b; z) = (1−z)^−a for a=%d, b=%d, z=%d', (a, b, z) => {
    expect(hyp2f1(a, b, b, z) / (1 - z) ** -a).toBeCloseTo(1, 12);
  });

  it('matches scipy.special.hyp2f1 on both sides of c = a + b', () => {
    expect(hyp2f1(1.5, 2.5, 1.2, 0.9) / 806.3410984957072).toBeCloseTo(1, 12);
    expect(hyp2f1(0.3, 0.7, 3.1, -0.8)).toBeCloseTo(0.9547503843338294, 14);
  });

  it('terminates as a polynomial for a non-positive integer a', () => {
    const [b, c, z] = [1.7, 2.9, 0.6];
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 14);
  });

  it('keeps the leading 1 out of the tail', () => {
    const z = 1e-12;
    expect(hyp2f1Tail(1, 1, 2, z) / (z / 2 + (z * z) / 3)).toBeCloseTo(1, 14);
    expect(hyp2f1Tail(1, 1, 2, 0)).toBe(0);
  });

  it('refuses |z| >= 1', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});
