import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../../shared/domain/customers/events.js';
import {
  applyEvents,
  maxTrackedViews,
  mergeProfiles,
  newProfile,
  type Profile,
  summarize,
} from '../../../../../shared/domain/customers/profile.js';
import { defaultShopSettings } from '../../../../../shared/domain/shops/shop.js';

const settings = defaultShopSettings('tea', 'Tea House', '2026-01-01T00:00:00.000Z');
const base = { shopId: 'tea', receivedAt: '2026-11-01T00:00:00.000Z', customerId: 'c1' };
let n = 0;
const ev = (type: string, occurredAt: string, properties: Record<string, unknown>) =>
  ({ ...base, id: `e${++n}`, type, occurredAt, properties }) as unknown as StoredEvent;
const placed = (orderId: string, total: number, at: string, extra: Record<string, unknown> = {}) =>
  ev('order_placed', at, {
    orderId,
    total,
    currency: 'CNY',
    items: [{ sku: 's', category: 'tea', price: total, quantity: 1 }],
    ...extra,
  });
const paid = (orderId: string, at: string) => ev('order_paid', at, { orderId });
const statsOf = (p: Profile) => summarize(p.activity, 'UTC');

describe('profile stats', () => {
  it('counts a payment that arrives before its order once both are in', () => {
    const p0 = newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z');
    const early = applyEvents(p0, [paid('o1', '2026-03-01T10:05:00.000Z')], settings).profile;
    expect(statsOf(early).paidOrderCount).toBe(0);
    const both = applyEvents(early, [placed('o1', 120, '2026-03-01T10:00:00.000Z')], settings).profile;
    expect(statsOf(both)).toMatchObject({ paidOrderCount: 1, totalSpend: 12000, averageOrderValue: 12000 });
  });

  it('keeps the last order when an older order is backfilled, and measures intervals in order', () => {
    const p0 = newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z');
    const p1 = applyEvents(
      p0,
      [placed('o2', 80, '2026-06-01T00:00:00.000Z'), paid('o2', '2026-06-01T00:01:00.000Z')],
      settings,
    ).profile;
    const p2 = applyEvents(
      p1,
      [placed('o1', 60, '2026-05-02T00:00:00.000Z'), paid('o1', '2026-05-02T00:01:00.000Z')],
      settings,
    ).profile;
    expect(statsOf(p2).lastOrderAt).toBe('2026-06-01T00:00:00.000Z');
    expect(statsOf(p2).firstOrderAt).toBe('2026-05-02T00:00:00.000Z');
    expect(statsOf(p2).orderIntervalsDays).toEqual([30]);
    expect(statsOf(p2).medianOrderIntervalDays).toBe(30);
  });

  it('nets refunds from spend and drops fully refunded orders from the count', () => {
    const p = applyEvents(
      newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z'),
      [
        placed('o1', 100, '2026-05-01T00:00:00.000Z'),
        paid('o1', '2026-05-01T00:01:00.000Z'),
        placed('o2', 50, '2026-05-03T00:00:00.000Z'),
        paid('o2', '2026-05-03T00:01:00.000Z'),
        ev('order_refunded', '2026-05-04T00:00:00.000Z', { orderId: 'o1', refundId: 'r1', amount: 30 }),
        ev('order_refunded', '2026-05-05T00:00:00.000Z', { orderId: 'o2', refundId: 'r2', amount: 50 }),
      ],
      settings,
    ).profile;
    expect(statsOf(p)).toMatchObject({ paidOrderCount: 1, totalSpend: 7000, averageOrderValue: 7000 });
  });

  it('lists unpaid orders and coupons, and clears the cart the order checked out', () => {
    const p = applyEvents(
      newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z'),
      [
        ev('cart_updated', '2026-05-01T09:00:00.000Z', { items: [{ sku: 's', price: 10, quantity: 1 }] }),
        placed('o1', 10, '2026-05-01T09:10:00.000Z', { couponCode: 'SPRING10' }),
        placed('o2', 20, '2026-05-02T09:10:00.000Z'),
        paid('o1', '2026-05-01T09:11:00.000Z'),
      ],
      settings,
    ).profile;
    expect(p.activity.cart).toBeNull();
    expect(statsOf(p).unpaidOrderIds).toEqual(['o2']);
    expect(statsOf(p).couponsUsed).toEqual({ SPRING10: 1 });
    expect(statsOf(p).discountedOrderCount).toBe(1);
  });

  it('keeps what the cart’s lines say of their products, for the cart reminder', () => {
    const pot = {
      sku: 'pot',
      name: 'Teapot',
      category: 'teaware',
      price: 129,
      quantity: 1,
      url: 'https://tea.example/pot',
      imageUrl: 'https://tea.example/pot.jpg',
    };
    const p = applyEvents(
      newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z'),
      [
        ev('cart_updated', '2026-05-01T09:00:00.000Z', {
          items: [pot, { sku: 'cup', price: 19, quantity: 2 }],
        }),
      ],
      settings,
    ).profile;
    expect(p.activity.cart?.items).toEqual([pot, { sku: 'cup', price: 19, quantity: 2 }]);
  });

  it('takes a cancelled order off the unpaid list and out of purchases, whichever event arrives first', () => {
    const cancelled = (orderId: string, at: string) =>
      ev('order_cancelled', at, { orderId, reason: 'changed mind' });
    const events = [
      placed('o1', 40, '2026-05-01T09:00:00.000Z'),
      cancelled('o1', '2026-05-01T10:00:00.000Z'),
      placed('o2', 90, '2026-05-02T09:00:00.000Z'),
      paid('o2', '2026-05-02T09:01:00.000Z'),
      // Cancelled after payment, with no refund reported: not a purchase either.
      cancelled('o2', '2026-05-02T12:00:00.000Z'),
      placed('o3', 25, '2026-05-03T09:00:00.000Z'),
      paid('o3', '2026-05-03T09:01:00.000Z'),
    ];
    for (const order of [events, [...events].reverse()]) {
      const p = applyEvents(newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z'), order, settings).profile;
      expect(statsOf(p)).toMatchObject({ unpaidOrderIds: [], paidOrderCount: 1, totalSpend: 2500 });
      expect(p.activity.orders.o1?.cancelledAt).toBe('2026-05-01T10:00:00.000Z');
    }
  });

  it('moves the tier when cumulative spend (in currency units) crosses a threshold', () => {
    const p0 = newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z');
    const first = applyEvents(
      p0,
      [placed('o1', 1500, '2026-05-01T00:00:00.000Z'), paid('o1', '2026-05-01T00:00:00.000Z')],
      settings,
    );
    expect(first.profile.tier).toBe('member');
    const second = applyEvents(
      first.profile,
      [placed('o2', 600, '2026-06-01T00:00:00.000Z'), paid('o2', '2026-06-01T00:00:00.000Z')],
      settings,
    );
    expect(second.profile.tier).toBe('senior');
  });

  it('merges two customers without counting a shared order twice', () => {
    const a = applyEvents(
      newProfile('tea', 'a', '2026-01-01T00:00:00.000Z'),
      [placed('o1', 100, '2026-05-01T00:00:00.000Z')],
      settings,
    ).profile;
    const b = applyEvents(
      newProfile('tea', 'b', '2025-01-01T00:00:00.000Z'),
      [
        paid('o1', '2026-05-01T00:05:00.000Z'),
        placed('o2', 40, '2026-05-09T00:00:00.000Z'),
        paid('o2', '2026-05-09T00:00:00.000Z'),
      ],
      settings,
    ).profile;
    const merged = mergeProfiles(a, b, settings).profile;
    expect(statsOf(merged)).toMatchObject({ paidOrderCount: 2, totalSpend: 14000 });
    expect(merged.createdAt).toBe('2025-01-01T00:00:00.000Z');
    expect(merged.mergedFrom).toEqual(['b']);
  });

  it('bounds the products it remembers, forgetting the least recently viewed', () => {
    const views = Array.from({ length: maxTrackedViews + 5 }, (_, i) =>
      ev('page_viewed', new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), { url: `u${i}`, sku: `sku${i}` }),
    );
    const p = applyEvents(newProfile('tea', 'c1', '2026-01-01T00:00:00.000Z'), views, settings).profile;
    expect(Object.keys(p.activity.productViews)).toHaveLength(maxTrackedViews);
    expect(p.activity.productViews.sku0).toBeUndefined();
    expect(p.activity.productViews[`sku${maxTrackedViews + 4}`]?.count).toBe(1);
  });
});
