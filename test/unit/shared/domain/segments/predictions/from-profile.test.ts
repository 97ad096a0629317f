import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../../../shared/domain/customers/events.js';
import {
  type Activity,
  applyEvents,
  newProfile,
  summarize,
} from '../../../../../../shared/domain/customers/profile.js';
import {
  customerOrdersOf,
  localNoon,
  predictionOf,
} from '../../../../../../shared/domain/segments/predictions/from-profile.js';
import { summarizeOrders } from '../../../../../../shared/domain/segments/predictions/history.js';
import { fitShopModel } from '../../../../../../shared/domain/segments/predictions/predict.js';
import { defaultShopSettings } from '../../../../../../shared/domain/shops/shop.js';

const ev = (id: string, type: string, occurredAt: string, properties: Record<string, unknown>) =>
  ({
    shopId: 'tea',
    customerId: 'c1',
    receivedAt: '2026-11-01T00:00:00.000Z',
    id,
    type,
    occurredAt,
    properties,
  }) as unknown as StoredEvent;

interface Bought {
  id: string;
  at: string;
  total: number;
  refund?: number;
}

/** The customer's activity after these paid orders, through the real reducer (which moves old ones out). */
function activityOf(orders: Bought[], timeZone: string): Activity {
  const settings = { ...defaultShopSettings('tea', 'Tea', '2020-01-01T00:00:00.000Z'), timeZone };
  const events = orders.flatMap((o) => [
    ev(`${o.id}:placed`, 'order_placed', o.at, {
      orderId: o.id,
      total: o.total,
      currency: 'CNY',
      items: [{ sku: 'tea', price: o.total, quantity: 1 }],
    }),
    ev(`${o.id}:paid`, 'order_paid', new Date(Date.parse(o.at) + 60_000).toISOString(), { orderId: o.id }),
    ...(o.refund
      ? [ev(`${o.id}:refund`, 'order_refunded', o.at, { orderId: o.id, refundId: 'r', amount: o.refund })]
      : []),
  ]);
  return applyEvents(newProfile('tea', 'c1', '2020-01-01T00:00:00.000Z'), events, settings).profile.activity;
}

const byTime = (orders: readonly { at: string; amount?: number }[]) =>
  [...orders].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : (a.amount ?? 0) - (b.amount ?? 0)));

describe('purchase occasions from the bounded profile', () => {
  // Shanghai is UTC+8: 20:00Z is the next local day.
  const tz = 'Asia/Shanghai';
  const orders: Bought[] = [
    { id: 'A', at: '2025-03-01T02:00:00.000Z', total: 100 }, // local 03-01, moves out
    { id: 'B', at: '2025-03-01T20:00:00.000Z', total: 50 }, // local 03-02, moves out
    { id: 'C', at: '2025-05-10T03:00:00.000Z', total: 80 }, // local 05-10, moves out
    { id: 'D', at: '2025-05-10T06:00:00.000Z', total: 40 }, // local 05-10 again, kept
    { id: 'E', at: '2025-07-01T04:00:00.000Z', total: 60 },
    { id: 'F', at: '2025-08-01T04:00:00.000Z', total: 70 },
    { id: 'G', at: '2025-09-01T04:00:00.000Z', total: 30, refund: 10 },
    { id: 'H', at: '2025-10-01T04:00:00.000Z', total: 90 },
    { id: 'I', at: '2025-11-01T04:00:00.000Z', total: 55, refund: 55 }, // fully refunded: no purchase
  ];

  it('gives recent paid orders at net amounts and history days at local noon, a covered day joining its recent order', () => {
    const activity = activityOf(orders, tz);
    expect(Object.keys(activity.orders).sort()).toEqual(['D', 'E', 'F', 'G', 'H', 'I']);
    expect(activity.history).toMatchObject({ paidOrders: 3, netSpend: 23_000, purchaseDays: 3 });

    const share = Math.round(23_000 / 3);
    expect(byTime(customerOrdersOf(activity, tz).orders)).toEqual([
      { at: '2025-03-01T04:00:00.000Z', amount: share },
      { at: '2025-03-02T04:00:00.000Z', amount: share },
      { at: '2025-05-10T06:00:00.000Z', amount: 4000 },
      { at: '2025-05-10T06:00:00.000Z', amount: share },
      { at: '2025-07-01T04:00:00.000Z', amount: 6000 },
      { at: '2025-08-01T04:00:00.000Z', amount: 7000 },
      { at: '2025-09-01T04:00:00.000Z', amount: 2000 },
      { at: '2025-10-01T04:00:00.000Z', amount: 9000 },
    ]);
  });

  it('counts as many occasions as the profile counts purchase days', () => {
    const activity = activityOf(orders, tz);
    const s = summarizeOrders(customerOrdersOf(activity, tz), Date.parse('2026-01-01T00:00:00.000Z'));
    expect((s?.x ?? -1) + 1).toBe(summarize(activity, tz).purchaseDays);
    expect(s?.occasionSpend?.[2]).toBe(4000 + Math.round(23_000 / 3)); // 05-10: D and C's share
  });

  it('adds the first order as one occasion when the history reaches back beyond the day bits', () => {
    const ny = 'America/New_York';
    const old = ['2020-06-01', '2021-06-01', '2024-06-01', '2025-06-01'];
    const recent = ['2026-01-05', '2026-02-05', '2026-03-05', '2026-04-05', '2026-05-05', '2026-06-05'];
    const activity = activityOf(
      [...old, ...recent].map((d, i) => ({ id: `o${i}`, at: `${d}T15:00:00.000Z`, total: 10 })),
      ny,
    );
    // Four days folded in, bits for the latest three years only.
    expect(activity.history.purchaseDays).toBe(4);
    expect(Object.keys(activity.history.dayBits).sort()).toEqual(['2021', '2024', '2025']);

    const got = byTime(customerOrdersOf(activity, ny).orders);
    expect(got.slice(0, 4)).toEqual([
      { at: '2020-06-01T15:00:00.000Z', amount: 1000 }, // firstOrderAt, as it was
      { at: '2021-06-01T16:00:00.000Z', amount: 1000 }, // noon EDT
      { at: '2024-06-01T16:00:00.000Z', amount: 1000 },
      { at: '2025-06-01T16:00:00.000Z', amount: 1000 },
    ]);
    expect(got).toHaveLength(10);
  });

  it('puts local noon where the shop’s clock says, in winter and summer', () => {
    expect(localNoon('2026-01-15', 'Europe/Berlin')).toBe('2026-01-15T11:00:00.000Z');
    expect(localNoon('2026-07-15', 'Europe/Berlin')).toBe('2026-07-15T10:00:00.000Z');
    expect(localNoon('2026-07-15', 'UTC')).toBe('2026-07-15T12:00:00.000Z');
  });

  it('predicts from the profile, and nothing for a customer without a paid order', () => {
    const activity = activityOf(orders, tz);
    const asOf = '2026-01-01T00:00:00.000Z';
    const model = fitShopModel([customerOrdersOf(activity, tz)], { asOf });
    const p = predictionOf(model, activity, tz, asOf);
    expect(p).toMatchObject({ method: 'median-interval', median: 'customer', spendMethod: 'customer-mean' });
    // Occasion days 03-01, 03-02, 05-10, 07-01, 08-01, 09-01, 10-01: intervals 1, 69, 52, 31, 31, 30.
    expect(p?.nextOrderAt).toBe(
      new Date(Date.parse('2025-10-01T04:00:00.000Z') + 31 * 86_400_000).toISOString(),
    );
    expect(
      predictionOf(
        model,
        activityOf([{ id: 'X', at: orders[0]?.at ?? '', total: 5, refund: 5 }], tz),
        tz,
        asOf,
      ),
    ).toBeNull();
  });
});
