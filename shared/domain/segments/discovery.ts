import type { ShopSummary } from './engine.js';
import { discoveryPrefix, type SegmentDefinition, type SegmentRule } from './rules.js';

/**
 * Discovery: groups a shop has that call for an activity, thought from the customers to the
 * activity. Each group is a segment written in the rule language, so the nightly refresh evaluates
 * it with the shop's custom segments and stores its members like any other; discoverGroups then
 * reads only the refresh summaries (counts, revenue and paid orders per segment).
 */

interface DiscoveryGroupDefinition {
  /** Without the `discover:` prefix. */
  slug: string;
  title: string;
  suggestion: string;
  rule: SegmentRule;
}

const groups: readonly DiscoveryGroupDefinition[] = [
  {
    slug: 'dormant-gold',
    title: 'Gold customers slipping away',
    suggestion: 'win-back coupon',
    rule: {
      kind: 'all',
      rules: [{ kind: 'gold' }, { kind: 'lifecycle', stages: ['at-risk', 'dormant'] }],
    },
  },
  {
    // Four or more orders once, now overdue against their own rhythm; gold or not.
    slug: 'lapsed-loyal',
    title: 'Loyal customers who stopped ordering',
    suggestion: 'personal note with a loyalty gift',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'stat', stat: 'paidOrderCount', op: 'gte', value: 4 },
        { kind: 'lifecycle', stages: ['at-risk', 'dormant', 'lost'] },
      ],
    },
  },
  {
    slug: 'big-spenders-in-honeymoon',
    title: 'Big first-time spenders in their first 30 days',
    suggestion: 'care content + second-order coupon',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'lifecycle', stages: ['honeymoon'] },
        { kind: 'rfm-score', score: 'monetary', op: 'eq', value: 5 },
      ],
    },
  },
  {
    slug: 'due-soon',
    title: 'Next order predicted within 7 days',
    suggestion: 'repurchase reminder',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'stat', stat: 'daysUntilPredictedOrder', op: 'gte', value: 0 },
        { kind: 'stat', stat: 'daysUntilPredictedOrder', op: 'lte', value: 7 },
      ],
    },
  },
  {
    // Recent only: a reminder about an order left unpaid for weeks reads as noise.
    slug: 'unpaid-orders',
    title: 'Customers with an order left unpaid this week',
    suggestion: 'payment reminder',
    rule: { kind: 'event', event: 'unpaid-order', performed: true, withinDays: 7 },
  },
  {
    slug: 'open-carts',
    title: 'Customers with a cart changed in the last 3 days',
    suggestion: 'cart reminder',
    rule: { kind: 'event', event: 'carted', performed: true, withinDays: 3 },
  },
  {
    slug: 'price-sensitive-one-timers',
    title: 'Price-sensitive one-time buyers',
    suggestion: 'free-shipping nudge',
    rule: {
      kind: 'all',
      rules: [{ kind: 'price-sensitive' }, { kind: 'stat', stat: 'purchaseDays', op: 'eq', value: 1 }],
    },
  },
  {
    slug: 'engaged-browsers',
    title: 'Active browsers who have not bought yet',
    suggestion: 'first-order welcome coupon',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'lifecycle', stages: ['new'] },
        { kind: 'activity', levels: ['active'] },
      ],
    },
  },
  {
    slug: 'champions',
    title: 'Champions: recent, frequent, big spenders',
    suggestion: 'early access and a referral ask',
    rule: { kind: 'rfm-cell', cells: ['champions'] },
  },
];

const idOf = (g: DiscoveryGroupDefinition) => `${discoveryPrefix}${g.slug}`;

/** To be appended to the shop's custom definitions by the nightly refresh (and by preview). */
export const discoveryDefinitions: readonly SegmentDefinition[] = groups.map((g) => ({
  id: idOf(g),
  name: g.title,
  rule: g.rule,
}));

export interface DiscoveredGroup {
  id: string;
  title: string;
  suggestion: string;
  size: number;
  /** size / customers of the shop. */
  shareOfCustomers: number;
  /** Members' net revenue (all time), currency units, and its share of the shop's. */
  revenue: number;
  revenueShare: number;
  /** revenue / members' paid orders; null when they have none. */
  averageOrderValue: number | null;
  /** Size at the previous refresh and the change since; null without a previous refresh. */
  previousSize: number | null;
  sizeChange: number | null;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * The groups the shop has (at least one member at the latest refresh), the most revenue at stake
 * first, then the largest. Takes the summaries of the latest and the previous refresh. Shares are 0 for a shop without customers or revenue.
 */
export function discoverGroups(latest: ShopSummary, previous: ShopSummary | null): DiscoveredGroup[] {
  return groups
    .flatMap((g): DiscoveredGroup[] => {
      const id = idOf(g);
      const size = latest.counts[id] ?? 0;
      if (size === 0) return [];
      const revenue = latest.revenueBySegment[id] ?? 0;
      const orders = latest.paidOrdersBySegment[id] ?? 0;
      const previousSize = previous ? (previous.counts[id] ?? 0) : null;
      return [
        {
          id,
          title: g.title,
          suggestion: g.suggestion,
          size,
          shareOfCustomers: latest.customers > 0 ? size / latest.customers : 0,
          revenue,
          revenueShare: latest.revenue > 0 ? revenue / latest.revenue : 0,
          averageOrderValue: orders > 0 ? cents(revenue / orders) : null,
          previousSize,
          sizeChange: previousSize === null ? null : size - previousSize,
        },
      ];
    })
    .sort((a, b) => b.revenue - a.revenue || b.size - a.size || (a.id < b.id ? -1 : 1));
}
