import { normalCdf, studentTCdf, studentTQuantile, z95 } from './statistics.js';

/**
 * What a campaign or journey step caused: its treated customers against its holdout over the same
 * window. Conversion (a customer with an order) is compared with the two-proportion z-test (pooled
 * for the p-value, unpooled Wald for the interval); revenue per customer with Welch's t, whose
 * interval stays honest when the arms' spreads differ, as they do when one arm is a tenth of the
 * other. A result is a lift only when both the test and the interval say so, and never on a handful
 * of conversions.
 */

export interface Arm {
  customers: number;
  /** Customers with at least one order in the window. */
  converters: number;
  orders: number;
  /** Revenue summed over the arm's customers, in the shop's currency units. */
  revenue: number;
  /** Each customer's revenue squared, summed: with `revenue`, the spread Welch's interval needs. */
  revenueSquares: number;
}

/** An arm from each customer's orders and revenue in the window (customers without orders included). */
export function armOf(customers: ReadonlyArray<{ orders: number; revenue: number }>): Arm {
  const arm: Arm = { customers: 0, converters: 0, orders: 0, revenue: 0, revenueSquares: 0 };
  for (const c of customers) {
    arm.customers += 1;
    arm.converters += c.orders > 0 ? 1 : 0;
    arm.orders += c.orders;
    arm.revenue += c.revenue;
    arm.revenueSquares += c.revenue * c.revenue;
  }
  return arm;
}

export interface Interval {
  low: number;
  high: number;
}

export interface Comparison {
  treated: number;
  holdout: number;
  absoluteLift: number;
  absoluteCi95: Interval;
  /** treated / holdout − 1; null when the holdout's value is 0. */
  relativeLift: number | null;
  relativeCi95: Interval | null;
  pValue: number;
  significant: boolean;
}

export type LiftVerdict = 'insufficient-data' | 'lift' | 'no-difference' | 'drop';

export interface LiftReport {
  /** From conversion, the primary measure. */
  verdict: LiftVerdict;
  /** Why the data are insufficient, when they are. */
  note?: string;
  conversion: Comparison;
  revenuePerCustomer: Comparison;
  /** Orders the treated arm placed beyond what the holdout's rate predicts for it. */
  incrementalOrders: number;
  /** Revenue beyond the holdout's revenue per customer, over the treated customers; currency units. */
  incrementalRevenue: number;
  incrementalRevenueCi95: Interval;
  sendCost: number;
  /** (incremental revenue − send cost) / send cost; null without a cost. */
  roi: number | null;
}

export interface LiftOptions {
  /** The cost of the treated arm's sends, in the shop's currency units. */
  sendCost?: number;
  /** Fewer conversions than this in either arm is insufficient data. */
  minConversions?: number;
  alpha?: number;
}

export const defaultMinConversions = 10;

const money = (x: number) => Math.round(x * 100) / 100;

function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

/** Relative lift's interval from the log ratio's standard error (delta method), if both values are positive. */
function relative(treated: number, holdout: number, logSe: number, critical: number) {
  if (!(holdout > 0) || !(treated > 0) || !Number.isFinite(logSe))
    return { relativeLift: holdout > 0 ? treated / holdout - 1 : null, relativeCi95: null };
  const log = Math.log(treated / holdout);
  return {
    relativeLift: treated / holdout - 1,
    relativeCi95: { low: Math.exp(log - critical * logSe) - 1, high: Math.exp(log + critical * logSe) - 1 },
  };
}

function compareConversion(t: Arm, h: Arm, alpha: number): Comparison {
  const p1 = t.converters / t.customers;
  const p2 = h.converters / h.customers;
  const diff = p1 - p2;
  const se = Math.sqrt((p1 * (1 - p1)) / t.customers + (p2 * (1 - p2)) / h.customers);
  const pooled = (t.converters + h.converters) / (t.customers + h.customers);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / t.customers + 1 / h.customers));
  const pValue = sePooled > 0 ? twoSidedNormalP(diff / sePooled) : 1;
  const z = alpha === 0.05 ? z95 : normalQuantile(1 - alpha / 2);
  const absoluteCi95 = { low: diff - z * se, high: diff + z * se };
  // Katz's log risk-ratio standard error.
  const logSe = Math.sqrt((1 - p1) / t.converters + (1 - p2) / h.converters);
  return {
    treated: p1,
    holdout: p2,
    absoluteLift: diff,
    absoluteCi95,
    ...relative(p1, p2, logSe, z),
    pValue,
    significant: pValue < alpha && (absoluteCi95.low > 0 || absoluteCi95.high < 0),
  };
}

function compareRevenue(t: Arm, h: Arm, alpha: number): Comparison {
  const mean = (a: Arm) => a.revenue / a.customers;
  // Sample variance from the sums; clamped, since rounding can leave a tiny negative.
  const variance = (a: Arm) =>
    a.customers > 1
      ? Math.max(0, (a.revenueSquares - (a.revenue * a.revenue) / a.customers) / (a.customers - 1))
      : 0;
  const m1 = mean(t);
  const m2 = mean(h);
  const a = variance(t) / t.customers;
  const b = variance(h) / h.customers;
  const se = Math.sqrt(a + b);
  const diff = m1 - m2;
  if (se === 0) {
    return {
      treated: m1,
      holdout: m2,
      absoluteLift: diff,
      absoluteCi95: { low: diff, high: diff },
      ...relative(m1, m2, Number.NaN, 0),
      pValue: diff === 0 ? 1 : 0,
      significant: false,
    };
  }
  // Welch–Satterthwaite degrees of freedom.
  const df = (a + b) ** 2 / (a ** 2 / Math.max(1, t.customers - 1) + b ** 2 / Math.max(1, h.customers - 1));
  const critical = studentTQuantile(1 - alpha / 2, df);
  const pValue = Math.min(1, 2 * (1 - studentTCdf(Math.abs(diff / se), df)));
  const absoluteCi95 = { low: diff - critical * se, high: diff + critical * se };
  const logSe = Math.sqrt(a / (m1 * m1) + b / (m2 * m2));
  return {
    treated: m1,
    holdout: m2,
    absoluteLift: diff,
    absoluteCi95,
    ...relative(m1, m2, logSe, critical),
    pValue,
    significant: pValue < alpha && (absoluteCi95.low > 0 || absoluteCi95.high < 0),
  };
}

/** The normal quantile, by bisection on the CDF (only for alphas other than 5%). */
function normalQuantile(p: number): number {
  let low = -40;
  let high = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (low + high) / 2;
    if (normalCdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export function liftReport(treated: Arm, holdout: Arm, options: LiftOptions = {}): LiftReport {
  const alpha = options.alpha ?? 0.05;
  const minConversions = options.minConversions ?? defaultMinConversions;
  const sendCost = options.sendCost ?? 0;
  if (treated.customers === 0 || holdout.customers === 0) throw new RangeError('Both arms need customers');
  const conversion = compareConversion(treated, holdout, alpha);
  const revenuePerCustomer = compareRevenue(treated, holdout, alpha);
  const incrementalRevenue = revenuePerCustomer.absoluteLift * treated.customers;
  const insufficient = Math.min(treated.converters, holdout.converters) < minConversions;
  if (insufficient) {
    // Whatever the arithmetic says, a handful of conversions is no finding: nothing reads as a win.
    conversion.significant = false;
    revenuePerCustomer.significant = false;
  }
  const verdict: LiftVerdict = insufficient
    ? 'insufficient-data'
    : !conversion.significant
      ? 'no-difference'
      : conversion.absoluteLift > 0
        ? 'lift'
        : 'drop';
  return {
    verdict,
    ...(verdict === 'insufficient-data'
      ? {
          note: `Fewer than ${minConversions} conversions in an arm (treated ${treated.converters}, holdout ${holdout.converters})`,
        }
      : {}),
    conversion,
    revenuePerCustomer,
    incrementalOrders: treated.orders - (holdout.orders / holdout.customers) * treated.customers,
    incrementalRevenue: money(incrementalRevenue),
    incrementalRevenueCi95: {
      low: money(revenuePerCustomer.absoluteCi95.low * treated.customers),
      high: money(revenuePerCustomer.absoluteCi95.high * treated.customers),
    },
    sendCost: money(sendCost),
    roi: sendCost > 0 ? (incrementalRevenue - sendCost) / sendCost : null,
  };
}
