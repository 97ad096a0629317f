import { describe, expect, it } from 'vitest';
import { demoShop } from '../../../../infra/local/demo-shop.js';
import { chunk } from '../../../../shared/domain/collections.js';
import { normalizeBatch } from '../../../../shared/domain/customers/normalize.js';
import { parseTraits } from '../../../../shared/domain/customers/traits.js';
import { defaultShopSettings } from '../../../../shared/domain/shops/shop.js';

const end = new Date('2026-11-23T08:00:00Z');
const shop = demoShop({ seed: 7, customers: 1500, end });
const settings = defaultShopSettings('demo', 'Demo Tea House', end.toISOString());
const ofType = (type: string) => shop.events.filter((e) => e.type === type);

describe('the demo shop', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(JSON.stringify(demoShop({ seed: 7, customers: 1500, end }))).toBe(JSON.stringify(shop));
    expect(demoShop({ seed: 8, customers: 1500, end }).events.length).not.toBe(shop.events.length);
  });

  it('is valid input for the API: every customer and every event passes the same validation', () => {
    for (const { customerId: _id, ...traits } of shop.customers) parseTraits(settings, traits);
    for (const part of chunk(shop.events, 100)) normalizeBatch(part, settings, end, (i) => ['events', i]);
    expect(new Set(shop.events.map((e) => e.id)).size).toBe(shop.events.length);
  });

  it('spans two years, in time order, and ends no later than now', () => {
    const times = shop.events.map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(end.getTime());
    expect((end.getTime() - Math.min(...times)) / 86_400_000).toBeGreaterThan(600);
  });

  it('has one-timers and repeat buyers, browsers who never bought, and a few who buy a lot', () => {
    const orders = new Map<string, number>();
    for (const e of ofType('order_placed')) orders.set(e.customerId, (orders.get(e.customerId) ?? 0) + 1);
    const counts = [...orders.values()];
    const oneTimers = counts.filter((n) => n === 1).length;
    expect(oneTimers / counts.length).toBeGreaterThan(0.4);
    expect(counts.filter((n) => n >= 2).length / counts.length).toBeGreaterThan(0.2);
    expect(counts.filter((n) => n >= 10).length).toBeGreaterThan(10);
    expect(shop.customers.length - orders.size).toBeGreaterThan(100);
  });

  it('sells more on big sale days than on ordinary days', () => {
    const perDay = new Map<string, number>();
    for (const e of ofType('order_placed')) {
      const day = new Date(Date.parse(e.occurredAt) + 8 * 3_600_000).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const lastYear = [...perDay].filter(([day]) => day >= '2025-11-23');
    const average = lastYear.reduce((sum, [, n]) => sum + n, 0) / 365;
    expect(perDay.get('2026-11-11') ?? 0).toBeGreaterThan(3 * average);
    expect(perDay.get('2026-06-18') ?? 0).toBeGreaterThan(3 * average);
  });

  it('has coupons, refunds, unpaid orders, carts left behind, and birthdays', () => {
    const placed = ofType('order_placed');
    expect(placed.filter((e) => e.properties.couponCode).length / placed.length).toBeGreaterThan(0.05);
    expect(ofType('order_refunded').length).toBeGreaterThan(20);
    const paid = new Set(ofType('order_paid').map((e) => e.properties.orderId));
    expect(placed.filter((e) => !paid.has(e.properties.orderId)).length).toBeGreaterThan(20);
    const ordered = new Set(placed.map((e) => `cart-${e.properties.orderId}`));
    const abandoned = ofType('cart_updated').filter((e) => !ordered.has(String(e.properties.cartId)));
    expect(abandoned.length).toBeGreaterThan(100);
    expect(shop.customers.filter((c) => c.birthday).length / shop.customers.length).toBeGreaterThan(0.5);
  });
});
