import { describe, expect, it } from 'vitest';
import {
  journeyReport,
  overviewReport,
  sendReport,
  weekOf,
} from '../../../../../shared/domain/reports/report.js';
import type { Conversion, SendRecord } from '../../../../../shared/domain/sending/send-request.js';
import { sendRecord } from '../../../../support/fakes/send-records.js';

const shanghai = { timeZone: 'Asia/Shanghai', currency: 'CNY' };
const requested = '2026-11-09T02:00:00.000Z';
const converted = (
  orderId: string,
  revenue: number,
  by: Conversion['by'],
  at = '2026-11-10T03:00:00.000Z',
) => ({
  orderId,
  revenue,
  currency: 'CNY',
  at,
  by,
});

/**
 * 20 customers sent to (t0–t19) and 5 held out (h0–h4); 16 delivered (t19 bounced, t16–t18 never
 * heard of), 10 opened, 6 clicked; t0 (click, 100), t1 (open, 50) and t2 (coupon, 80) credited,
 * t3 (30) only in the window; h0 (40) in the window. Two in the global control, four skipped.
 * Each send cost 0.1 USD.
 */
function smallCampaign(): SendRecord[] {
  const touches = (i: number) => [
    ...(i < 16 ? [{ status: 'delivered' as const, at: '2026-11-09T02:05:00.000Z' }] : []),
    ...(i < 10 ? [{ status: 'opened' as const, at: '2026-11-09T03:00:00.000Z' }] : []),
    ...(i < 6 ? [{ status: 'clicked' as const, at: '2026-11-09T03:01:00.000Z' }] : []),
    ...(i === 19 ? [{ status: 'bounced' as const, at: '2026-11-09T02:05:00.000Z' }] : []),
  ];
  const conversions: Record<number, Conversion> = {
    0: converted('o0', 100, 'clicked'),
    1: converted('o1', 50, 'opened', '2026-11-10T17:00:00.000Z'),
    2: converted('o2', 80, 'coupon'),
    3: converted('o3', 30, 'window'),
  };
  const treated = Array.from({ length: 20 }, (_, i) =>
    sendRecord({
      sendId: `t${i}`,
      customerId: `t${i}`,
      requestedAt: requested,
      touches: touches(i),
      costMicros: 100_000,
      ...(conversions[i] ? { conversion: conversions[i] } : {}),
    }),
  );
  const holdout = Array.from({ length: 5 }, (_, i) =>
    sendRecord({
      sendId: `h${i}`,
      customerId: `h${i}`,
      requestedAt: requested,
      withheld: 'held-out',
      ...(i === 0 ? { conversion: converted('o-h0', 40, 'window') } : {}),
    }),
  );
  const others = [
    sendRecord({ sendId: 'g0', customerId: 'g0', requestedAt: requested, withheld: 'global-control' }),
    sendRecord({ sendId: 'g1', customerId: 'g1', requestedAt: requested, withheld: 'global-control' }),
    ...['no-consent', 'no-consent', 'no-consent', 'capped'].map((reason, i) =>
      sendRecord({ sendId: `s${i}`, customerId: `s${i}`, requestedAt: requested, skipped: reason }),
    ),
  ];
  return [...treated, ...holdout, ...others];
}

describe('sendReport', () => {
  it('counts the funnel, the reasons and the money by hand', () => {
    const report = sendReport(smallCampaign(), { ...shanghai, usdRate: 7 });
    expect(report.records).toBe(31);
    expect(report.funnel).toEqual({ sent: 20, delivered: 16, opened: 10, clicked: 6, converted: 3 });
    expect(report.withheld).toEqual([
      { reason: 'held-out', count: 5 },
      { reason: 'global-control', count: 2 },
    ]);
    expect(report.skipped).toEqual([
      { reason: 'no-consent', count: 3 },
      { reason: 'capped', count: 1 },
    ]);
    expect(report.undelivered).toEqual([{ reason: 'bounced', count: 1 }]);
    // 20 × 0.1 USD, at 7 CNY to the dollar.
    expect(report.cost).toEqual({ usd: 2, shopCurrency: 14 });
    // Credited: 100 + 50 + 80; t3's order was in the window only.
    expect(report.revenue.attributed).toBe(230);
    expect(report.revenue.attributedOrders).toBe(3);
  });

  it('compares the arms on every order in the window, and calls a handful of conversions not enough data', () => {
    const report = sendReport(smallCampaign(), { ...shanghai, usdRate: 7 });
    expect(report.arms.treated).toEqual({
      customers: 20,
      converters: 4,
      orders: 4,
      revenue: 260,
      revenueSquares: 100 ** 2 + 50 ** 2 + 80 ** 2 + 30 ** 2,
    });
    expect(report.arms.holdout).toEqual({
      customers: 5,
      converters: 1,
      orders: 1,
      revenue: 40,
      revenueSquares: 1600,
    });
    expect(report.verdict).toBe('insufficient-data');
    expect(report.label).toBe('Not enough data yet');
    expect(report.lift?.conversion.treated).toBeCloseTo(0.2, 12);
    expect(report.lift?.conversion.holdout).toBeCloseTo(0.2, 12);
    expect(report.lift?.conversion.pValue).toBeCloseTo(1, 6);
    // 13 a customer against 8: 5 more, over 20 customers.
    expect(report.revenue.incremental).toBe(100);
    expect(report.roi).toBeCloseTo((100 - 14) / 14, 12);
    expect(report.lift?.conversion.significant).toBe(false);
  });

  it('counts what orders still bring: a cancelled order is no conversion in the funnel, the revenue or either arm, and a refund comes off', () => {
    const given = (records: SendRecord[], back: Record<string, number>) =>
      records.map((r) =>
        r.conversion && back[r.sendId] !== undefined
          ? { ...r, conversion: { ...r.conversion, returned: back[r.sendId] } }
          : r,
      );
    // t0's order (100) cancelled, 20 of t1's (50) refunded, h0's (40) cancelled.
    const report = sendReport(given(smallCampaign(), { t0: 100, t1: 20, h0: 40 }), {
      ...shanghai,
      usdRate: 7,
    });
    expect(report.funnel.converted).toBe(2);
    expect(report.revenue.attributed).toBe(30 + 80);
    expect(report.revenue.attributedOrders).toBe(2);
    expect(report.arms.treated).toMatchObject({ converters: 3, orders: 3, revenue: 30 + 80 + 30 });
    expect(report.arms.holdout).toMatchObject({ converters: 0, orders: 0, revenue: 0 });
    expect(report.daily.reduce((sum, d) => sum + d.revenue, 0)).toBe(110);
  });

  it('counts an order credited on two records once in the attributed revenue', () => {
    const records = smallCampaign().map((r) =>
      r.sendId === 't1' ? { ...r, conversion: converted('o0', 100, 'opened') } : r,
    );
    const report = sendReport(records, { ...shanghai, usdRate: 7 });
    expect(report.revenue.attributedOrders).toBe(2);
    expect(report.revenue.attributed).toBe(100 + 80);
  });

  it('puts conversions on the shop’s day', () => {
    const report = sendReport(smallCampaign(), shanghai);
    // Sent 10:01 in Shanghai on the 9th; o1 was placed at 01:00 on the 11th there.
    expect(report.daily).toEqual([
      { day: '2026-11-09', sent: 20, conversions: 0, revenue: 0 },
      { day: '2026-11-10', sent: 0, conversions: 2, revenue: 180 },
      { day: '2026-11-11', sent: 0, conversions: 1, revenue: 50 },
    ]);
    // No rate and not a dollar shop: no cost in CNY, so no ROI.
    expect(report.cost.shopCurrency).toBeNull();
    expect(report.roi).toBeNull();
  });

  it('reports a lift with the numbers of a hand-computed two-proportion test', () => {
    // 1000 treated, 150 converted; 200 held out, 10 converted; every order 100 CNY; 0.001 USD a send.
    const records = [
      ...Array.from({ length: 1000 }, (_, i) =>
        sendRecord({
          sendId: `t${i}`,
          customerId: `t${i}`,
          requestedAt: requested,
          costMicros: 1000,
          ...(i < 150 ? { conversion: converted(`o${i}`, 100, i < 100 ? 'clicked' : 'window') } : {}),
        }),
      ),
      ...Array.from({ length: 200 }, (_, i) =>
        sendRecord({
          sendId: `h${i}`,
          customerId: `h${i}`,
          requestedAt: requested,
          withheld: 'held-out',
          ...(i < 10 ? { conversion: converted(`oh${i}`, 100, 'window') } : {}),
        }),
      ),
    ];
    const report = sendReport(records, { ...shanghai, usdRate: 7 });
    const lift = report.lift;
    expect(report.verdict).toBe('lift');
    expect(lift?.conversion.absoluteLift).toBeCloseTo(0.1, 12);
    // se = √(.15·.85/1000 + .05·.95/200) = √.000365
    const se = Math.sqrt(0.000365);
    expect(lift?.conversion.absoluteCi95.low).toBeCloseTo(0.1 - 1.959964 * se, 5);
    expect(lift?.conversion.absoluteCi95.high).toBeCloseTo(0.1 + 1.959964 * se, 5);
    // Pooled 160/1200: z = .1 / √(p(1−p)(1/1000 + 1/200)) = 3.7979, two-sided p = 0.000146.
    expect(lift?.conversion.pValue).toBeCloseTo(0.000146, 5);
    expect(lift?.conversion.relativeLift).toBeCloseTo(2, 12);
    expect(lift?.incrementalOrders).toBeCloseTo(100, 9);
    expect(report.revenue.incremental).toBe(10_000);
    expect(report.revenue.attributed).toBe(10_000);
    expect(report.cost).toEqual({ usd: 1, shopCurrency: 7 });
    expect(report.roi).toBeCloseTo((10_000 - 7) / 7, 9);
  });

  it('says so when there is no holdout', () => {
    const report = sendReport(
      smallCampaign().filter((r) => r.reason !== 'held-out'),
      shanghai,
    );
    expect(report.verdict).toBe('no-holdout');
    expect(report.lift).toBeNull();
    expect(report.revenue.incremental).toBeNull();
  });
});

describe('journeyReport', () => {
  it('reports each step on its own, and the whole', () => {
    const records = [
      sendRecord({ sendId: 'a1', customerId: 'x', step: 'day-3', requestedAt: requested }),
      sendRecord({
        sendId: 'a2',
        customerId: 'y',
        step: 'day-3',
        requestedAt: requested,
        withheld: 'held-out',
      }),
      sendRecord({
        sendId: 'b1',
        customerId: 'x',
        step: 'day-7',
        requestedAt: requested,
        touches: [{ status: 'opened', at: '2026-11-09T05:00:00.000Z' }],
        conversion: converted('o1', 20, 'opened'),
      }),
    ];
    const report = journeyReport(records, shanghai);
    expect(report.total.funnel).toMatchObject({ sent: 2, opened: 1, converted: 1 });
    expect(report.steps.map((s) => [s.step, s.report.funnel.sent, s.report.verdict])).toEqual([
      ['day-3', 1, 'insufficient-data'],
      ['day-7', 1, 'no-holdout'],
    ]);
  });
});

describe('overviewReport', () => {
  it('adds up sends, cost, credited and incremental revenue by the shop’s week', () => {
    // Sunday 15 November, 20:00 UTC, is Monday the 16th in Shanghai: the next week.
    const late = '2026-11-15T20:00:00.000Z';
    expect(weekOf(requested, 'Asia/Shanghai')).toBe('2026-11-09');
    expect(weekOf(late, 'Asia/Shanghai')).toBe('2026-11-16');
    const campaign = [
      sendRecord({
        sendId: 'c1',
        customerId: 'a',
        requestedAt: requested,
        costMicros: 250,
        conversion: converted('o1', 30, 'clicked'),
      }),
      sendRecord({ sendId: 'c2', customerId: 'b', requestedAt: requested, costMicros: 250 }),
      sendRecord({
        sendId: 'c3',
        customerId: 'c',
        requestedAt: requested,
        withheld: 'held-out',
        conversion: converted('o2', 10, 'window'),
      }),
      sendRecord({ sendId: 'c4', customerId: 'a', requestedAt: late, costMicros: 250 }),
    ];
    const journeyStep = [
      sendRecord({
        sendId: 'j1',
        customerId: 'd',
        requestedAt: requested,
        costMicros: 5000,
        conversion: converted('o3', 12.5, 'window'),
      }),
    ];
    const { weeks } = overviewReport([campaign, journeyStep], shanghai);
    expect(weeks).toEqual([
      {
        week: '2026-11-09',
        sends: 3,
        costUsd: 0.0055,
        attributedRevenue: 30,
        // The campaign: 15 a treated customer against 10 held out, over 2; the step has no holdout.
        incrementalRevenue: 10,
        notEnoughData: true,
      },
      {
        week: '2026-11-16',
        sends: 1,
        costUsd: 0.00025,
        attributedRevenue: 0,
        incrementalRevenue: null,
        notEnoughData: true,
      },
    ]);
  });
});
