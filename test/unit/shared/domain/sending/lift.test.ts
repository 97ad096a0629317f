import { describe, expect, it } from 'vitest';
import { type Arm, armOf, liftReport } from '../../../../../shared/domain/sending/lift.js';
import { seededRandom } from '../../../../../shared/domain/sending/random.js';

/** An arm of `customers` of whom `converters` ordered once for `each`. */
const arm = (customers: number, converters: number, each = 100): Arm => ({
  customers,
  converters,
  orders: converters,
  revenue: converters * each,
  revenueSquares: converters * each * each,
});

// Expected values computed by hand with SciPy 1.17 (norm.ppf, norm.sf, ttest_ind(equal_var=False), t.ppf).
describe('lift, hand-computed', () => {
  it('compares conversion with the two-proportion z interval and the pooled test', () => {
    const r = liftReport(arm(10_000, 600), arm(1_000, 40), { sendCost: 300 });
    expect(r.verdict).toBe('lift');
    expect(r.conversion.treated).toBe(0.06);
    expect(r.conversion.holdout).toBe(0.04);
    expect(r.conversion.absoluteLift).toBeCloseTo(0.02, 12);
    expect(r.conversion.absoluteCi95.low).toBeCloseTo(0.006993161550039557, 9);
    expect(r.conversion.absoluteCi95.high).toBeCloseTo(0.03300683844996044, 9);
    expect(r.conversion.pValue).toBeCloseTo(0.009993244740092298, 6);
    expect(r.conversion.relativeLift).toBeCloseTo(0.5, 12);
    expect(r.conversion.relativeCi95?.low).toBeCloseTo(0.09644716217012594, 9);
    expect(r.conversion.relativeCi95?.high).toBeCloseTo(1.0520824692972184, 9);
    // 600 orders against 40 per 1,000 × 10,000 = 400 expected: 200 more, 100 each.
    expect(r.incrementalOrders).toBeCloseTo(200, 9);
    expect(r.incrementalRevenue).toBe(20_000);
    expect(r.sendCost).toBe(300);
    expect(r.roi).toBeCloseTo((20_000 - 300) / 300, 9);
  });

  it('compares revenue per customer with Welch’s interval', () => {
    const treated = armOf(
      [0, 0, 120, 0, 80, 0, 0, 200, 0, 0, 60, 0].map((revenue) => ({ orders: revenue > 0 ? 1 : 0, revenue })),
    );
    const holdout = armOf(
      [0, 50, 0, 0, 0, 0, 90, 0].map((revenue) => ({ orders: revenue > 0 ? 1 : 0, revenue })),
    );
    const r = liftReport(treated, holdout, { minConversions: 2 });
    expect(r.revenuePerCustomer.treated).toBeCloseTo(38.333333333333336, 9);
    expect(r.revenuePerCustomer.holdout).toBe(17.5);
    expect(r.revenuePerCustomer.absoluteCi95.low).toBeCloseTo(-26.272301492143434, 6);
    expect(r.revenuePerCustomer.absoluteCi95.high).toBeCloseTo(67.9389681588101, 6);
    expect(r.revenuePerCustomer.pValue).toBeCloseTo(0.3642313884603175, 6);
    expect(r.revenuePerCustomer.significant).toBe(false);
    expect(r.incrementalRevenue).toBe(250); // 20.83 × 12
    expect(r.roi).toBeNull();
  });

  it('labels a handful of conversions as insufficient data, never as a win', () => {
    const r = liftReport(arm(1_000, 300), arm(100, 5));
    expect(r.verdict).toBe('insufficient-data');
    expect(r.note).toContain('holdout 5');
    expect(r.conversion.significant).toBe(false);
    expect(r.revenuePerCustomer.significant).toBe(false);
    expect(liftReport(arm(1_000, 300), arm(100, 5), { minConversions: 5 }).verdict).toBe('lift');
  });

  it('reports a drop as a drop, and no relative lift against a holdout of zero', () => {
    expect(liftReport(arm(10_000, 400), arm(1_000, 60)).verdict).toBe('drop');
    const zero = liftReport(arm(1_000, 20), arm(100, 0), { minConversions: 0 });
    expect(zero.conversion.relativeLift).toBeNull();
    expect(zero.conversion.relativeCi95).toBeNull();
  });
});

/** One simulated campaign: every customer converts with probability `rate[arm]`, spending a log-normal amount. */
function simulate(random: () => number, sizes: [number, number], rates: [number, number]): [Arm, Arm] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return sizes.map((n, i) => {
    const customers = [];
    for (let c = 0; c < n; c++) {
      const converted = random() < (rates[i] as number);
      customers.push(
        converted
          ? { orders: 1, revenue: Math.round(Math.exp(4.5 + 0.6 * normal()) * 100) / 100 }
          : { orders: 0, revenue: 0 },
      );
    }
    return armOf(customers);
  }) as [Arm, Arm];
}

describe('lift, simulated', () => {
  it('finds a significant difference in at most about 5% of campaigns that have no effect', () => {
    const random = seededRandom(20_250_301);
    const runs = 2_000;
    let conversionFindings = 0;
    let revenueFindings = 0;
    let wins = 0;
    for (let run = 0; run < runs; run++) {
      // 10,000 customers, a 10% holdout, 5% converting in both arms: about 50 holdout conversions.
      const [treated, holdout] = simulate(random, [9_000, 1_000], [0.05, 0.05]);
      const r = liftReport(treated, holdout);
      if (r.conversion.significant) conversionFindings += 1;
      if (r.revenuePerCustomer.significant) revenueFindings += 1;
      if (r.verdict === 'lift') wins += 1;
    }
    expect(conversionFindings / runs).toBeLessThanOrEqual(0.07);
    expect(revenueFindings / runs).toBeLessThanOrEqual(0.07);
    // Lifts alone are one side of the two-sided 5%.
    expect(wins / runs).toBeLessThanOrEqual(0.035);
    // And the test is not simply mute: a false-finding rate near zero would mean it is too timid.
    expect(conversionFindings / runs).toBeGreaterThan(0.02);
  });

  it('finds a real lift (5% to 8%) in nearly every campaign', () => {
    const random = seededRandom(7);
    const runs = 300;
    let wins = 0;
    for (let run = 0; run < runs; run++) {
      const [treated, holdout] = simulate(random, [9_000, 1_000], [0.08, 0.05]);
      if (liftReport(treated, holdout).verdict === 'lift') wins += 1;
    }
    expect(wins / runs).toBeGreaterThan(0.9);
  });
});
