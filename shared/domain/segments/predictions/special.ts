/**
 * Special functions for the purchase models, with no dependency: log-gamma and the Gauss
 * hypergeometric function 2F1 on |z| < 1.
 */

// Lanczos approximation, g = 7, n = 9: about 15 significant digits for x >= 0.5.
const lanczosG = 7;
const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const halfLnTwoPi = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (ln |Γ(x)| for negative non-integers); +Infinity at the poles. */
export function lnGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  // Reflection keeps the approximation where it is accurate; ln Γ(x) near 0 is dominated by -ln x.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const y = x - 1;
  let sum = lanczos[0] as number;
  for (let i = 1; i < lanczos.length; i++) sum += (lanczos[i] as number) / (y + i);
  const t = y + lanczosG + 0.5;
  return halfLnTwoPi + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

const maxTerms = 1_000_000;

/**
 * 2F1(a, b; c; z) − 1 by its power series Σ_{n≥1} (a)_n (b)_n / ((c)_n n!) zⁿ, for |z| < 1.
 * Leaving out the leading 1 lets callers form 1 − (…)·2F1 without cancellation for small z.
 * Summation stops once the remainder, bounded geometrically, is below 1e-16 of the sum; NaN if the
 * series has not converged within a million terms (z very close to 1).
 */
export function hyp2f1Tail(a: number, b: number, c: number, z: number): number {
  if (!(Math.abs(z) < 1)) throw new RangeError(`hyp2f1 series needs |z| < 1, got ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1 is undefined for c = ${c}`);
  if (z === 0) return 0;
  let term = 1;
  let sum = 0;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (term === 0) return sum; // a or b a non-positive integer: a polynomial
    // Past the last sign change of (a+n), (b+n), (c+n) the ratios tend to z; bounding the rest by a
    // geometric series with the larger of the two is then safe.
    if (n + Math.min(a, b, c) > 0) {
      const rho = Math.max(Math.abs(ratio), Math.abs(z));
      if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= 1e-16 * Math.abs(sum)) return sum;
    }
    if (!Number.isFinite(sum)) return Number.NaN;
  }
  return Number.NaN;
}

/**
 * 2F1(a, b; c; z) for |z| < 1. The direct series has terms ~ n^(a+b−c−1) zⁿ; when a + b > c Euler's
 * transformation 2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a, c−b; c; z) gives the faster series.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (a + b > c) return (1 - z) ** (c - a - b) * (1 + hyp2f1Tail(c - a, c - b, c, z));
  return 1 + hyp2f1Tail(a, b, c, z);
}
