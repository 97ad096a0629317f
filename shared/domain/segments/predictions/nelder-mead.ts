/**
 * Nelder–Mead minimisation (Lagarias et al. 1998 conventions) with restarts, and what the fits need
 * around it: a numerical Hessian and its inverse for standard errors. Derivative-free suits the
 * likelihoods here, which are cheap but have no tidy gradients once the data are aggregated.
 */

export interface NelderMeadOptions {
  /** Iterations per run. */
  maxIterations?: number;
  /** Stop when the simplex's values are within this much of the best (absolute). */
  fTolerance?: number;
  /** … and its vertices within this much of the best in every coordinate. */
  xTolerance?: number;
  /** Initial simplex edge along each coordinate. */
  initialStep?: number;
  /** Further runs from the best point with a fresh simplex: a collapsed simplex can stall short of the minimum. */
  restarts?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
  evaluations: number;
  /** The last run met both tolerances and a restart from its point found no better one. */
  converged: boolean;
}

const defaults: Required<NelderMeadOptions> = {
  maxIterations: 5000,
  fTolerance: 1e-10,
  xTolerance: 1e-7,
  initialStep: 0.25,
  restarts: 4,
};

/** Minimises f from x0. Non-finite values count as +Infinity, so f may refuse a region that way. */
export function nelderMead(
  f: (x: number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const o = { ...defaults, ...options };
  let evaluations = 0;
  const value = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  let best = { x: [...x0], fx: value([...x0]) };
  let iterations = 0;
  let converged = false;
  for (let run = 0; run <= o.restarts; run++) {
    const result = simplexRun(value, best.x, o);
    iterations += result.iterations;
    const improvement = best.fx - result.fx;
    if (result.fx <= best.fx) best = { x: result.x, fx: result.fx };
    // A restart that converges where the last run did confirms the minimum.
    if (result.converged && run > 0 && improvement <= o.fTolerance) {
      converged = true;
      break;
    }
  }
  return { x: best.x, fx: best.fx, iterations, evaluations, converged };
}

function simplexRun(
  value: (x: number[]) => number,
  start: number[],
  o: Required<NelderMeadOptions>,
): { x: number[]; fx: number; iterations: number; converged: boolean } {
  const n = start.length;
  const points: number[][] = [start];
  for (let i = 0; i < n; i++) {
    const p = [...start];
    p[i] = (p[i] as number) + o.initialStep;
    points.push(p);
  }
  const values = points.map(value);
  const at = (i: number) => points[i] as number[];
  const val = (i: number) => values[i] as number;
  const order = points.map((_, i) => i);
  const combine = (centroid: number[], towards: number[], t: number) =>
    centroid.map((c, j) => c + t * ((towards[j] as number) - c));
  let iterations = 0;
  while (iterations < o.maxIterations) {
    order.sort((i, j) => val(i) - val(j));
    const bestI = order[0] as number;
    const worstI = order[n] as number;
    const secondWorst = val(order[n - 1] as number);
    const fSpread = val(worstI) - val(bestI);
    let xSpread = 0;
    for (const p of points)
      for (let j = 0; j < n; j++)
        xSpread = Math.max(xSpread, Math.abs((p[j] as number) - (at(bestI)[j] as number)));
    if (fSpread <= o.fTolerance && xSpread <= o.xTolerance) {
      return { x: [...at(bestI)], fx: val(bestI), iterations, converged: true };
    }
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (const i of order.slice(0, n))
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (at(i)[j] as number) / n;
    const worst = at(worstI);
    const reflected = combine(centroid, worst, -1);
    const fr = value(reflected);
    const replace = (p: number[], fp: number) => {
      points[worstI] = p;
      values[worstI] = fp;
    };
    if (fr < val(bestI)) {
      const expanded = combine(centroid, worst, -2);
      const fe = value(expanded);
      if (fe < fr) replace(expanded, fe);
      else replace(reflected, fr);
    } else if (fr < secondWorst) {
      replace(reflected, fr);
    } else {
      // Contract outside when the reflection helped at all, inside otherwise; shrink if neither does.
      const outside = fr < val(worstI);
      const contracted = combine(centroid, outside ? reflected : worst, 0.5);
      const fc = value(contracted);
      if (fc < (outside ? fr : val(worstI))) {
        replace(contracted, fc);
      } else {
        const b = at(bestI);
        for (const i of order.slice(1)) {
          points[i] = combine(b, at(i), 0.5);
          values[i] = value(at(i));
        }
      }
    }
  }
  order.sort((i, j) => val(i) - val(j));
  const bestI = order[0] as number;
  return { x: [...at(bestI)], fx: val(bestI), iterations, converged: false };
}

/** Central-difference Hessian of f at x with step h in every coordinate. */
export function numericalHessian(f: (x: number[]) => number, x: readonly number[], h = 1e-4): number[][] {
  const n = x.length;
  const at = (...shifts: Array<[number, number]>) => {
    const p = [...x];
    for (const [i, d] of shifts) p[i] = (p[i] as number) + d;
    return f(p);
  };
  const f0 = f([...x]);
  const hess = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const row = hess[i] as number[];
    row[i] = (at([i, h]) - 2 * f0 + at([i, -h])) / (h * h);
    for (let j = 0; j < i; j++) {
      const hij =
        (at([i, h], [j, h]) - at([i, h], [j, -h]) - at([i, -h], [j, h]) + at([i, -h], [j, -h])) / (4 * h * h);
      row[j] = hij;
      (hess[j] as number[])[i] = hij;
    }
  }
  return hess;
}

/** Inverse of a symmetric positive definite matrix by Cholesky; null if it is not positive definite. */
export function invertSpd(m: readonly (readonly number[])[]): number[][] | null {
  const n = m.length;
  const get = (a: number[][], i: number, j: number) => (a[i] as number[])[j] as number;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (m[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= get(l, i, k) * get(l, j, k);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        (l[i] as number[])[i] = Math.sqrt(s);
      } else {
        (l[i] as number[])[j] = s / get(l, j, j);
      }
    }
  }
  // Invert L (lower triangular), then M⁻¹ = L⁻ᵀ L⁻¹.
  const li = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    (li[i] as number[])[i] = 1 / get(l, i, i);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= get(l, i, k) * get(li, k, j);
      (li[i] as number[])[j] = s / get(l, i, i);
    }
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += get(li, k, i) * get(li, k, j);
      return s;
    }),
  );
}

/**
 * Standard errors of positive parameters θ = exp(u) fitted on the log scale, where nll is the
 * negative log-likelihood in u. Delta method: Var(θᵢ) ≈ θᵢ² Var(uᵢ), with Var(u) the inverse
 * Hessian at the optimum. Infinity where the Hessian is not positive definite.
 */
export function logScaleStandardErrors(nll: (u: number[]) => number, u: readonly number[]): number[] {
  const cov = invertSpd(numericalHessian(nll, u));
  return u.map((ui, i) => {
    const v = cov ? ((cov[i] as number[])[i] as number) : Number.NaN;
    return v > 0 && Number.isFinite(v) ? Math.exp(ui) * Math.sqrt(v) : Number.POSITIVE_INFINITY;
  });
}
