import { describe, expect, it } from 'vitest';
import {
  invertSpd,
  logScaleStandardErrors,
  nelderMead,
  numericalHessian,
} from '../../../../../../shared/domain/segments/predictions/nelder-mead.js';

describe('Nelder–Mead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosenbrock = ([x = 0, y = 0]: number[]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { initialStep: 0.5 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it('treats NaN as a wall', () => {
    const f = ([x = 0]: number[]) => (x < 0 ? Number.NaN : (x - 2) ** 2);
    expect(nelderMead(f, [0.5]).x[0]).toBeCloseTo(2, 5);
  });

  it('reports non-convergence at the iteration cap', () => {
    const result = nelderMead(([x = 0, y = 0]) => x * x + y * y, [10, 10], { maxIterations: 3, restarts: 0 });
    expect(result.converged).toBe(false);
  });
});

describe('standard errors', () => {
  it('inverts a positive definite matrix and refuses an indefinite one', () => {
    const inv = invertSpd([
      [4, 2],
      [2, 3],
    ]);
    expect(inv?.[0]?.[0]).toBeCloseTo(3 / 8, 14);
    expect(inv?.[0]?.[1]).toBeCloseTo(-2 / 8, 14);
    expect(inv?.[1]?.[1]).toBeCloseTo(4 / 8, 14);
    expect(
      invertSpd([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });

  it('recovers the exact Hessian of a quadratic', () => {
    const h = numericalHessian(([x = 0, y = 0]) => 3 * x * x + 2 * x * y + 5 * y * y, [0.3, -0.7]);
    expect(h[0]?.[0]).toBeCloseTo(6, 5);
    expect(h[0]?.[1]).toBeCloseTo(2, 5);
    expect(h[1]?.[1]).toBeCloseTo(10, 5);
  });

  it('gives the textbook standard error of an exponential rate, λ̂/√n', () => {
    // n observations summing to S: the negative log-likelihood in u = ln λ is −n u + S e^u.
    const [n, sum] = [400, 123.4];
    const nll = ([u = 0]: number[]) => -n * u + sum * Math.exp(u);
    const u = nelderMead(nll, [0]).x;
    const rate = n / sum;
    expect(Math.exp(u[0] as number)).toBeCloseTo(rate, 5);
    expect(logScaleStandardErrors(nll, u)[0]).toBeCloseTo(rate / Math.sqrt(n), 5);
  });
});
