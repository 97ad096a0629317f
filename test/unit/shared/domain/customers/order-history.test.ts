import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../../shared/domain/customers/events.js';
import {
  applyEvents,
  newProfile,
  type OrderFacts,
  type Profile,
  recentOrdersKept,
  summarize,
} from '../../../../../shared/domain/customers/profile.js';
import { defaultShopSettings } from '../../../../../shared/domain/shops/shop.js';

/**
 * A profile keeps its latest orders and folds older ones into a bounded history. These tests hold it
 * to the plain computation over every order ever placed, for any order of arrival and any batching.
 */
const settings = { ...defaultShopSettings('tea', 'Tea House', '2024-01-01T00:00:00.000Z'), timeZone: 'UTC' };
const base = { shopId: 'tea', receivedAt: '2026-11-01T00:00:00.000Z', customerId: 'c1' };
const ev = (id: string, type: string, occurredAt: string, properties: Record<string, unknown>) =>
  ({ ...base, id, type, occurredAt, properties }) as unknown as StoredEvent;

interface Order {
  id: string;
  day: number;
  total: number;
  refund: number;
  coupon: boolean;
  /** Called off before it was paid, after (its refund reported or not), or not at all. */
  cancelled: 'no' | 'unpaid' | 'paid';
}
const at = (day: number, minute = 0) =>
  new Date(Date.UTC(2025, 0, 1) + day * 86_400_000 + minute * 60_000).toISOString();
const eventsOf = (o: Order): StoredEvent[] => [
  ev(`${o.id}:placed`, 'order_placed', at(o.day), {
    orderId: o.id,
    total: o.total,
    currency: 'CNY',
    items: [{ sku: 'longjing', category: 'green tea', price: o.total, quantity: 1 }],
    ...(o.coupon ? { couponCode: 'SPRING' } : {}),
  }),
  ...(o.cancelled === 'unpaid' ? [] : [ev(`${o.id}:paid`, 'order_paid', at(o.day, 5), { orderId: o.id })]),
  ...(o.cancelled === 'no'
    ? []
    : [ev(`${o.id}:cancel`, 'order_cancelled', at(o.day, 10), { orderId: o.id })]),
  ...(o.refund > 0 && o.cancelled !== 'unpaid'
    ? [
        ev(`${o.id}:refund`, 'order_refunded', at(o.day + 3), {
          orderId: o.id,
          refundId: `r-${o.id}`,
          amount: o.refund,
        }),
      ]
    : []),
];

/** The plain computation, over every order not cancelled. */
function expected(all: Order[]) {
  const orders = all.filter((o) => o.cancelled === 'no');
  const net = orders.map((o) => Math.round(o.total * 100) - Math.round(o.refund * 100));
  const days = orders.map((o) => o.day).sort((a, b) => a - b);
  return {
    paidOrderCount: orders.length,
    totalSpend: net.reduce((a, b) => a + b, 0),
    firstOrderAt: days.length ? at(days[0] ?? 0) : null,
    lastOrderAt: days.length ? at(days.at(-1) ?? 0) : null,
    discountedOrderCount: orders.filter((o) => o.coupon).length,
    couponsUsed: orders.some((o) => o.coupon) ? { SPRING: orders.filter((o) => o.coupon).length } : {},
    purchaseDays: new Set(days).size,
  };
}

/** Swaps neighbours: what a few senders in parallel do to the order of a customer's events. */
function nearlyInOrder<T>(xs: T[]): T[] {
  const out = [...xs];
  for (let i = 0; i + 1 < out.length; i += 3) [out[i], out[i + 1]] = [out[i + 1] as T, out[i] as T];
  return out;
}

/** Applies the events in batches, as the stream would, carrying archived orders like the store does. */
function applyInBatches(
  events: StoredEvent[],
  batch: number,
): { profile: Profile; archive: Map<string, OrderFacts> } {
  let profile = newProfile('tea', 'c1', '2024-01-01T00:00:00.000Z');
  const archive = new Map<string, OrderFacts>();
  for (let i = 0; i < events.length; i += batch) {
    const result = applyEvents(profile, events.slice(i, i + batch), settings, archive);
    profile = result.profile;
    for (const o of result.archivedOrders) archive.set(o.orderId, o.facts);
  }
  return { profile, archive };
}

// Days may repeat: two orders on one day are one purchase occasion.
const orderArb = fc
  .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 })
  .chain((days) =>
    fc.tuple(
      ...days.map((day, i) =>
        fc.record({
          id: fc.constant(`o${i}`),
          day: fc.constant(day),
          total: fc.integer({ min: 1, max: 2000 }),
          refundShare: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 0.9, noNaN: true })),
          coupon: fc.boolean(),
          cancelled: fc.constantFrom('no', 'no', 'no', 'unpaid', 'paid'),
        }),
      ),
    ),
  )
  .map((orders) =>
    orders.map(({ refundShare, ...o }) => ({ ...o, refund: Math.floor(o.total * refundShare * 100) / 100 })),
  );

describe('order history', () => {
  it('equals the plain computation over every order, whatever the arrival order and batching', () => {
    fc.assert(
      fc.property(orderArb, fc.integer({ min: 1, max: 25 }), fc.boolean(), (orders, batch, reversed) => {
        const byDay = [...orders].sort((a, b) => a.day - b.day);
        // Events from several senders arrive a little out of order; a backfill arrives newest first.
        const events = byDay.flatMap(eventsOf);
        const arriving = reversed ? [...events].reverse() : nearlyInOrder(events);
        const { profile } = applyInBatches(arriving, batch);
        const stats = summarize(profile.activity, 'UTC');
        const { purchaseDays, ...want } = expected(orders);
        expect(stats).toMatchObject(want);
        // Three years of days, in any arrival order: every occasion counted once.
        expect(stats.purchaseDays).toBe(purchaseDays);
        expect(stats.averageOrderValue).toBe(
          want.paidOrderCount ? Math.round(want.totalSpend / want.paidOrderCount) : 0,
        );
        // Every order is paid or cancelled: none is left waiting for payment.
        expect(stats.unpaidOrderIds).toEqual([]);
        expect(Object.keys(profile.activity.orders).length).toBeLessThan(recentOrdersKept + 4);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps a customer with 5,000 orders as small as one with five', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      id: `o${i}`,
      day: Math.floor(i / 3),
      total: 80,
      refund: 0,
      coupon: false,
      cancelled: 'no' as const,
    }));
    const few = many.slice(0, 5);
    const big = applyInBatches(many.flatMap(eventsOf), 100).profile;
    const small = applyInBatches(few.flatMap(eventsOf), 100).profile;
    const size = (p: Profile) => JSON.stringify(p.activity).length;
    expect(size(big)).toBeLessThan(size(small) + 600);
    expect(summarize(big.activity, 'UTC')).toMatchObject({ paidOrderCount: 5000, totalSpend: 5000 * 8000 });
    // Three orders a day: purchase occasions are days, not orders.
    expect(summarize(big.activity, 'UTC').purchaseDays).toBe(Math.ceil(5000 / 3));
  });

  it('takes a full refund of an order moved out of the profile back out of count and spend', () => {
    const orders = Array.from({ length: 20 }, (_, i) => ({
      id: `o${i}`,
      day: i * 10,
      total: 100,
      refund: 0,
      coupon: i === 0,
      cancelled: 'no' as const,
    }));
    const { profile, archive } = applyInBatches(orders.flatMap(eventsOf), 50);
    expect(archive.has('o0')).toBe(true);
    const late = applyEvents(
      profile,
      [ev('late-refund', 'order_refunded', at(400), { orderId: 'o0', refundId: 'late', amount: 100 })],
      settings,
      archive,
    );
    expect(late.changedArchive).toBe(true);
    expect(late.archivedOrders.map((o) => o.orderId)).toEqual(['o0']);
    expect(summarize(late.profile.activity, 'UTC')).toMatchObject({
      paidOrderCount: 19,
      totalSpend: 1900 * 100,
      discountedOrderCount: 0,
      couponsUsed: {},
    });
  });

  it('takes an order cancelled after it moved out of the profile out of count and spend', () => {
    const orders = Array.from({ length: 20 }, (_, i) => ({
      id: `o${i}`,
      day: i * 10,
      total: 100,
      refund: 0,
      coupon: false,
      cancelled: 'no' as const,
    }));
    const { profile, archive } = applyInBatches(orders.flatMap(eventsOf), 50);
    expect(archive.has('o1')).toBe(true);
    const cancel = ev('late-cancel', 'order_cancelled', at(30), { orderId: 'o1', reason: 'out of stock' });
    const late = applyEvents(profile, [cancel], settings, archive);
    expect(late.archivedOrders.map((o) => o.orderId)).toEqual(['o1']);
    expect(summarize(late.profile.activity, 'UTC')).toMatchObject({
      paidOrderCount: 19,
      totalSpend: 1900 * 100,
    });
    // Its refund reported too, the order is still taken out once.
    const archiveAfter = new Map([
      ...archive,
      ...late.archivedOrders.map((o) => [o.orderId, o.facts] as const),
    ]);
    const refund = ev('late-refund', 'order_refunded', at(31), { orderId: 'o1', refundId: 'r', amount: 100 });
    const both = applyEvents(late.profile, [refund], settings, archiveAfter);
    expect(summarize(both.profile.activity, 'UTC')).toMatchObject({
      paidOrderCount: 19,
      totalSpend: 1900 * 100,
    });
  });
});
