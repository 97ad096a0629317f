import { describe, expect, it } from 'vitest';
import { discoverGroups, discoveryDefinitions } from '../../../../../shared/domain/segments/discovery.js';
import {
  isBuiltInSegment,
  refreshShard,
  type ShopSummary,
} from '../../../../../shared/domain/segments/engine.js';
import { compileSegments } from '../../../../../shared/domain/segments/rules.js';
import { buyer, customer, daysAgo, now } from './customer.js';

// Cuts given by hand so each customer's scores can be read off: spend 100/200/400/800 for M 2-5,
// gold from 800, orders 2/3/4/6 for F, last order within 200/100/50/10 days for R.
const cuts = {
  customers: 12,
  buyers: 9,
  recency: Float64Array.from([daysAgo(200), daysAgo(100), daysAgo(50), daysAgo(10)]),
  frequency: Float64Array.from([2, 3, 4, 6]),
  monetary: Float64Array.from([10_000, 20_000, 40_000, 80_000]),
  goldMinSpend: 80_000,
  shopIntervalDays: 30,
};

const shop = [
  // Own rhythm 30 days, 110 days since: at-risk (not dormant before 120); gold.
  buyer(4, 200, 110, { customerId: 'gold-at-risk', totalSpend: 100_000 }),
  // Own rhythm 50 days, 200 days since: at-risk (dormant only beyond 200).
  buyer(5, 400, 200, { customerId: 'loyal-at-risk', totalSpend: 30_000 }),
  buyer(1, 10, 10, { customerId: 'honeymoon-big', totalSpend: 90_000 }),
  buyer(1, 10, 10, { customerId: 'honeymoon-small', totalSpend: 5_000 }),
  buyer(2, 60, 20, { customerId: 'due-in-5', totalSpend: 20_000, predictedOrderAt: daysAgo(-5) }),
  buyer(2, 60, 20, { customerId: 'overdue', predictedOrderAt: daysAgo(1) }),
  buyer(2, 60, 20, { customerId: 'no-prediction' }),
  customer({ customerId: 'unpaid', unpaidOrders: 1, lastUnpaidOrderAt: daysAgo(2), lastSeenAt: daysAgo(2) }),
  customer({ customerId: 'old-unpaid', unpaidOrders: 1, lastUnpaidOrderAt: daysAgo(30) }),
  customer({ customerId: 'carted', cartUpdatedAt: daysAgo(1), lastSeenAt: daysAgo(1), recentContacts: 2 }),
  buyer(1, 90, 90, { customerId: 'coupon-once', totalSpend: 8_000, discountedOrderCount: 1 }),
  // R 5, F 5, M 4: FM 5, a champion; not gold.
  buyer(6, 300, 5, { customerId: 'champion', totalSpend: 60_000 }),
];

describe('discovery groups', () => {
  const refreshed = refreshShard(shop, { timeZone: 'UTC' }, cuts, discoveryDefinitions, now);
  const groupsOf = (i: number) =>
    (refreshed.segments[i] ?? []).filter((id) => id.startsWith('discover:')).map((id) => id.slice(9));

  it('are valid definitions in the rule language, in their own namespace', () => {
    expect(compileSegments(discoveryDefinitions, isBuiltInSegment)).toHaveLength(discoveryDefinitions.length);
    expect(discoveryDefinitions.every((d) => d.id.startsWith('discover:') && d.name)).toBe(true);
  });

  it('each take the customers they are written for', () => {
    expect(Object.fromEntries(shop.map((c, i) => [c.customerId, groupsOf(i)]))).toEqual({
      'gold-at-risk': ['dormant-gold', 'lapsed-loyal'],
      'loyal-at-risk': ['lapsed-loyal'],
      'honeymoon-big': ['big-spenders-in-honeymoon'],
      'honeymoon-small': [],
      'due-in-5': ['due-soon'],
      overdue: [],
      'no-prediction': [],
      unpaid: ['unpaid-orders'],
      'old-unpaid': [],
      carted: ['open-carts', 'engaged-browsers'],
      'coupon-once': ['price-sensitive-one-timers'],
      champion: ['champions'],
    });
  });

  it('are reported from the summary: size, shares, average order value, the most revenue first', () => {
    const groups = discoverGroups(refreshed.summary, null);
    // 1000 + 300 + 900 + 50 + 3 × 200 (two-order buyers) + 80 + 600.
    expect(refreshed.summary.revenue).toBe(3_530);
    expect(groups.map((g) => [g.id.slice(9), g.size, g.revenue, g.averageOrderValue])).toEqual([
      ['lapsed-loyal', 2, 1_300, 144.44],
      ['dormant-gold', 1, 1_000, 250],
      ['big-spenders-in-honeymoon', 1, 900, 900],
      ['champions', 1, 600, 100],
      ['due-soon', 1, 200, 100],
      ['price-sensitive-one-timers', 1, 80, 80],
      // No revenue: the larger first, then by id.
      ['engaged-browsers', 1, 0, null],
      ['open-carts', 1, 0, null],
      ['unpaid-orders', 1, 0, null],
    ]);
    expect(groups[0]).toMatchObject({
      title: 'Loyal customers who stopped ordering',
      suggestion: 'personal note with a loyalty gift',
      shareOfCustomers: 2 / 12,
      revenueShare: 1_300 / 3_530,
      previousSize: null,
      sizeChange: null,
    });
  });
});

describe('discoverGroups', () => {
  const summary = (counts: Record<string, number>, revenue: Record<string, number>): ShopSummary => ({
    customers: 200,
    buyers: 100,
    counts,
    revenue: 10_000,
    goldRevenue: 0,
    goldRevenueShare: 0,
    revenueBySegment: revenue,
    paidOrdersBySegment: Object.fromEntries(Object.entries(revenue).map(([id, r]) => [id, r / 50])),
    shopIntervalDays: null,
  });

  it('gives the change in size since the previous refresh, and leaves out groups without members', () => {
    const previous = summary({ 'discover:due-soon': 30, 'discover:dormant-gold': 4 }, {});
    const latest = summary(
      { 'discover:due-soon': 20, 'discover:unpaid-orders': 5, 'discover:dormant-gold': 0, gold: 20 },
      { 'discover:due-soon': 1_000, 'discover:unpaid-orders': 2_500, gold: 6_000 },
    );
    expect(discoverGroups(latest, previous)).toEqual([
      {
        id: 'discover:unpaid-orders',
        title: 'Customers with an order left unpaid this week',
        suggestion: 'payment reminder',
        size: 5,
        shareOfCustomers: 0.025,
        revenue: 2_500,
        revenueShare: 0.25,
        averageOrderValue: 50,
        previousSize: 0,
        sizeChange: 5,
      },
      {
        id: 'discover:due-soon',
        title: 'Next order predicted within 7 days',
        suggestion: 'repurchase reminder',
        size: 20,
        shareOfCustomers: 0.1,
        revenue: 1_000,
        revenueShare: 0.1,
        averageOrderValue: 50,
        previousSize: 30,
        sizeChange: -10,
      },
    ]);
  });

  it('divides by nothing: no shares without customers or revenue, no average without orders', () => {
    const empty = { ...summary({ 'discover:champions': 1 }, {}), customers: 0, revenue: 0 };
    expect(discoverGroups(empty, null)).toMatchObject([
      { size: 1, shareOfCustomers: 0, revenueShare: 0, averageOrderValue: null },
    ]);
  });
});
