import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newProfile } from '../../../../../shared/domain/customers/profile.js';
import {
  activityLevel,
  customerInputOf,
  defaultActivity,
  defaultLifecycle,
  lifecycleStage,
  lifecycleStages,
  priceSensitivity,
  rfmCell,
  rhythmDays,
} from '../../../../../shared/domain/segments/features.js';
import { buyer, customer, daysAgo, now } from './customer.js';

const nowMs = now.getTime();
const stage = (
  c: ReturnType<typeof customer>,
  shopInterval: number | null = 40,
  pAlive: number | null = null,
) => lifecycleStage(c, shopInterval, defaultLifecycle, nowMs, pAlive);

describe('RFM cells', () => {
  it.each([
    [5, 5, 5, 'champions'],
    [5, 4, 3, 'champions'],
    [3, 5, 4, 'loyal'],
    [1, 5, 5, 'cant-lose-them'],
    [2, 4, 3, 'at-risk'],
    [3, 3, 3, 'need-attention'],
    [4, 2, 3, 'potential-loyalists'],
    [3, 1, 2, 'about-to-sleep'],
    [5, 1, 1, 'new'],
    [4, 1, 1, 'promising'],
    [2, 1, 2, 'hibernating'],
    [1, 1, 1, 'lost'],
  ])('R%i F%i M%i is %s', (r, f, m, cell) => {
    expect(rfmCell(r, f, m)).toBe(cell);
  });
});

describe('lifecycle stage', () => {
  it.each([
    ['no paid order', customer(), 'new'],
    ['first order 10 days ago', buyer(1, 10), 'honeymoon'],
    ['two orders within the first 30 days', buyer(2, 25, 3), 'honeymoon'],
    ['one order 45 days ago: no second yet', buyer(1, 45), 'at-risk'],
    // Shop interval 40 days: at-risk beyond 80, dormant beyond 160, lost beyond 320.
    ['two orders, last 50 days ago', buyer(2, 100, 50), 'repeat'],
    ['two orders, last 90 days ago', buyer(2, 200, 90), 'at-risk'],
    ['two orders, last 200 days ago', buyer(2, 300, 200), 'dormant'],
    ['two orders, last 400 days ago', buyer(2, 500, 400), 'lost'],
    ['one order 400 days ago', buyer(1, 400), 'lost'],
    // Own rhythm from 3 orders: 5 orders over 40 days is a 10-day rhythm, so at-risk beyond 30 (floor).
    ['five orders, 10-day rhythm, last 20 days ago', buyer(5, 60, 20), 'loyal'],
    ['five orders, 10-day rhythm, last 35 days ago', buyer(5, 75, 35), 'at-risk'],
    ['five orders, 10-day rhythm, last 70 days ago', buyer(5, 110, 70), 'dormant'],
  ])('%s: %s', (_, c, expected) => {
    expect(stage(c)).toBe(expected);
  });

  it('follows the shop interval: the same customer is fine in a slow shop, at risk in a fast one', () => {
    expect(stage(buyer(2, 200, 100), 60)).toBe('repeat');
    expect(stage(buyer(2, 200, 100), 20)).toBe('dormant');
    expect(stage(buyer(2, 200, 100), null)).toBe('at-risk'); // 30-day default: beyond 60, not 120
  });

  it('listens to P(alive) where a model gives it', () => {
    expect(stage(buyer(3, 100, 20), 40, 0.9)).toBe('repeat');
    expect(stage(buyer(3, 100, 20), 40, 0.3)).toBe('at-risk');
    // A 25-day rhythm: at-risk by days at 60 days since, and P(alive) tips it over to lost.
    expect(stage(buyer(3, 110, 60), 40, 0.05)).toBe('lost');
    expect(stage(buyer(3, 110, 60), 40, 0.2)).toBe('at-risk');
    expect(stage(buyer(1, 10), 40, 0.01)).toBe('honeymoon');
  });

  it('measures the rhythm over the whole history', () => {
    expect(rhythmDays(buyer(5, 60, 20))).toBe(10);
    expect(rhythmDays(buyer(1, 60))).toBeNull();
  });

  it('is total: every customer gets exactly one stage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        (orders, a, b, shop, pAlive) => {
          const c = orders ? buyer(orders, Math.max(a, b), Math.min(a, b)) : customer();
          expect(lifecycleStages).toContain(stage(c, shop, pAlive));
        },
      ),
    );
  });
});

describe('activity level', () => {
  const level = (over: Parameters<typeof customer>[0]) =>
    activityLevel(customer(over), defaultActivity, nowMs);
  it('is active when seen lately and often, warm when seen within 90 days, else dormant', () => {
    expect(level({ lastSeenAt: daysAgo(2), recentContacts: 3 })).toBe('active');
    expect(level({ lastSeenAt: daysAgo(2), recentContacts: 1 })).toBe('warm');
    expect(level({ lastSeenAt: daysAgo(60), recentContacts: 0 })).toBe('warm');
    expect(level({ lastSeenAt: daysAgo(120) })).toBe('dormant');
    expect(level({ lastSeenAt: null })).toBe('dormant');
  });
});

describe('price sensitivity', () => {
  const sale = new Set(['06-18', '11-11', '2026-03-08']);
  it('is the share of discounted orders, flagged from one half', () => {
    expect(priceSensitivity(buyer(4, 100, 10, { discountedOrderCount: 2 }), sale)).toEqual({
      discountShare: 0.5,
      saleDayOneTimer: false,
      priceSensitive: true,
    });
    expect(priceSensitivity(buyer(4, 100, 10, { discountedOrderCount: 1 }), sale).priceSensitive).toBe(false);
    expect(priceSensitivity(customer(), sale).discountShare).toBe(0);
  });

  it('flags one-timers who bought only on a sale day, yearly or dated', () => {
    const oneDay = (day: string, purchaseDays = 1) =>
      priceSensitivity(buyer(2, 40, 40, { purchaseDays, firstOrderDay: day }), sale);
    expect(oneDay('2025-11-11')).toMatchObject({ saleDayOneTimer: true, priceSensitive: true });
    expect(oneDay('2026-03-08').saleDayOneTimer).toBe(true);
    expect(oneDay('2025-03-08').saleDayOneTimer).toBe(false);
    expect(oneDay('2025-11-11', 2).saleDayOneTimer).toBe(false);
  });
});

describe('the input from a profile', () => {
  const iso = (days: number) => new Date(daysAgo(days)).toISOString();
  const views = (...days: number[]) => ({
    count: days.length,
    lastAt: iso(Math.min(...days)),
    recentAt: days.map(iso).sort(),
  });
  const profile = newProfile('shop', 'c1', iso(100));
  profile.activity.categoryViews = { 'green tea': views(1, 5, 20), 'black tea': views(1, 5, 40) };
  profile.activity.productViews = { 'GT-1': views(2, 3, 4) };
  profile.activity.cart = {
    items: [{ sku: 'OO-1', category: 'oolong', price: 88, quantity: 1 }],
    lineCount: 1,
    updatedAt: iso(6),
  };
  profile.activity.orders = {
    o1: { placedAt: iso(50), paidAt: iso(50), total: 12_000, refunds: {}, discounted: true, categories: [] },
    o2: { placedAt: iso(3), total: 5_000, refunds: {}, discounted: false, categories: [] },
  };
  profile.activity.lastSeenAt = iso(1);
  const input = customerInputOf(profile, 'Asia/Shanghai', now);

  it('counts interests viewed three times within 30 days, or carted', () => {
    expect(input.interestedCategories).toEqual(['green tea', 'oolong']);
    expect(input.interestedProducts).toEqual(['GT-1', 'OO-1']);
  });

  it('carries the stats the rules need, times as epoch ms', () => {
    expect(input).toMatchObject({
      paidOrderCount: 1,
      totalSpend: 12_000,
      discountedOrderCount: 1,
      firstOrderAt: daysAgo(50),
      lastOrderAt: daysAgo(50),
      lastSeenAt: daysAgo(1),
      firstOrderDay: '2026-10-04',
      unpaidOrders: 1,
      lastUnpaidOrderAt: daysAgo(3),
      cartUpdatedAt: daysAgo(6),
    });
    // Distinct instants within 30 days: views at 1, 2, 3, 4, 5 and 20 days (the unpaid order at 3 and
    // the last seen at 1 are the same instants), and the cart at 6.
    expect(input.recentContacts).toBe(7);
  });
});
