import { describe, expect, it } from 'vitest';
import {
  cutsOf,
  mergeSketches,
  mergeSummaries,
  refreshShard,
  refreshShop,
  sketchShard,
} from '../../../../../shared/domain/segments/engine.js';
import { syntheticCustomers } from '../../../../bench/segments.js';
import { buyer, customer, daysAgo, now } from './customer.js';

// Five buyers with distinct recency, frequency and spend (one per score), and a browser.
const shop = [
  buyer(1, 300, 300, { customerId: 'b1', totalSpend: 1_000, lastSeenAt: daysAgo(200) }),
  buyer(2, 400, 150, { customerId: 'b2', totalSpend: 2_000, lastSeenAt: daysAgo(150) }),
  buyer(3, 300, 60, { customerId: 'b3', totalSpend: 3_000, lastSeenAt: daysAgo(60) }),
  buyer(4, 200, 20, {
    customerId: 'b4',
    totalSpend: 4_000,
    discountedOrderCount: 3,
    lastSeenAt: daysAgo(1),
    recentContacts: 4,
  }),
  buyer(6, 100, 2, { customerId: 'b5', totalSpend: 10_000, lastSeenAt: daysAgo(1), recentContacts: 5 }),
  customer({
    customerId: 'v',
    lastSeenAt: daysAgo(5),
    recentContacts: 1,
    interestedCategories: ['green tea'],
  }),
];
const definitions = [
  { id: 'vip', rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 40 } },
  {
    id: 'vip-active',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'segment', id: 'vip' },
        { kind: 'activity', levels: ['active'] },
      ],
    },
  },
];

describe('refreshing a shop', () => {
  const result = refreshShop(shop, { timeZone: 'Asia/Shanghai' }, definitions, now);

  it('gives each customer its built-in and custom segments', () => {
    // Shop interval 90 days (see below): a two-timer is at risk beyond 180 days, lost beyond 720.
    expect(result.segments).toEqual([
      ['rfm:lost', 'lifecycle:at-risk', 'activity:dormant'],
      ['rfm:hibernating', 'lifecycle:repeat', 'activity:dormant'],
      ['rfm:need-attention', 'lifecycle:repeat', 'activity:warm'],
      ['rfm:loyal', 'lifecycle:loyal', 'activity:active', 'price-sensitive', 'vip', 'vip-active'],
      ['rfm:champions', 'lifecycle:loyal', 'activity:active', 'gold', 'vip', 'vip-active'],
      ['lifecycle:new', 'activity:warm', 'interested:green tea'],
    ]);
    expect([...result.recency]).toEqual([1, 2, 3, 4, 5, 0]);
    expect(result.featuresAt(3)).toMatchObject({
      rfmCell: 'loyal',
      discountShare: 0.75,
      priceSensitive: true,
    });
  });

  it('sums up the shop: counts per segment and the revenue gold customers bring', () => {
    expect(result.summary).toMatchObject({
      customers: 6,
      buyers: 5,
      revenue: 200,
      goldRevenue: 100,
      goldRevenueShare: 0.5,
      // Rhythms of the repeat buyers: 250, 120, 60 and 19.6 days.
      shopIntervalDays: 90,
    });
    expect(result.summary.counts).toMatchObject({
      'rfm:champions': 1,
      'lifecycle:loyal': 2,
      'activity:active': 2,
      'activity:dormant': 2,
      gold: 1,
      vip: 2,
      'interested:green tea': 1,
    });
  });

  it('sums each segment’s revenue and paid orders, in currency units, also over unshared lists', () => {
    expect(result.summary.revenueBySegment).toMatchObject({
      vip: 140,
      'lifecycle:loyal': 140,
      'lifecycle:repeat': 50,
      gold: 100,
      'rfm:lost': 10,
      // The browser's list is its own (interests are not interned): no revenue, still a key.
      'interested:green tea': 0,
      'activity:warm': 30,
    });
    expect(result.summary.paidOrdersBySegment).toMatchObject({
      vip: 10,
      'lifecycle:repeat': 5,
      'activity:warm': 3,
      'interested:green tea': 0,
    });
  });

  it('takes P(alive) from a model where one is fitted', () => {
    const withModel = refreshShop(shop, { timeZone: 'UTC' }, [], now, (c) =>
      c.customerId === 'b3' ? 0.2 : null,
    );
    expect(withModel.featuresAt(2)).toMatchObject({ lifecycle: 'at-risk', pAlive: 0.2 });
  });

  it('gives the same result over shards as in one place', () => {
    const customers = syntheticCustomers(20_000, 7);
    const shards = [customers.slice(0, 7_000), customers.slice(7_000, 8_000), customers.slice(8_000)];
    const cuts = cutsOf(mergeSketches(shards.map(sketchShard)));
    const parts = shards.map((s) => refreshShard(s, { timeZone: 'UTC' }, cuts, definitions, now));
    const whole = refreshShop(customers, { timeZone: 'UTC' }, definitions, now);
    expect(parts.flatMap((p) => p.segments)).toEqual(whole.segments);
    expect(mergeSummaries(parts.map((p) => p.summary))).toEqual(whole.summary);
  });

  it('refuses invalid definitions before touching a customer', () => {
    expect(() =>
      refreshShop(shop, { timeZone: 'UTC' }, [{ id: 'x', rule: { kind: 'segment', id: 'x' } }], now),
    ).toThrow(/refers to itself/);
  });
});
