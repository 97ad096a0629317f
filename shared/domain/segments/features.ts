import { dayOf, type Profile, summarize, type Traits, type ViewCount } from '../customers/profile.js';

/**
 * The built-in per-customer features: RFM cell, lifecycle stage, activity level, price sensitivity
 * and interests. Each rule is written down in README.md next to this file; the functions here are
 * that text in code. Everything is as of `now`, which is always an argument.
 */

export const dayMs = 86_400_000;

/**
 * What the engine reads of a customer: compact, numeric where it can be, so a refresh over millions
 * of customers touches no strings or dates on its hot path. Built from a profile by customerInputOf.
 */
export interface CustomerInput {
  customerId: string;
  paidOrderCount: number;
  /** Net of refunds. Minor units. */
  totalSpend: number;
  discountedOrderCount: number;
  /** Distinct shop-local days with a paid order. */
  purchaseDays: number;
  /** When the first and the last paid order were placed (epoch ms); null before any. */
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  lastSeenAt: number | null;
  /** The shop-local day (YYYY-MM-DD) of the first paid order, for the sale-day one-timer flag. */
  firstOrderDay: string | null;
  /** Distinct instants the customer was in touch within the activity window before now. */
  recentContacts: number;
  /** The open cart's last change (a checked-out cart is no cart); null without one. */
  cartUpdatedAt: number | null;
  unpaidOrders: number;
  /** When the latest unpaid order was placed; null without one. */
  lastUnpaidOrderAt: number | null;
  /** Categories and products viewed often or carted recently (see interestsOf). */
  interestedCategories: readonly string[];
  interestedProducts: readonly string[];
  traits: Traits | null;
  /** P(alive) from a fitted repurchase model, when there is one. */
  pAlive?: number | null;
  /** The predicted next order (epoch ms, may be past) from the repurchase model, when there is one. */
  predictedOrderAt?: number | null;
}

export type RfmCell =
  | 'champions'
  | 'loyal'
  | 'potential-loyalists'
  | 'new'
  | 'promising'
  | 'need-attention'
  | 'about-to-sleep'
  | 'at-risk'
  | 'cant-lose-them'
  | 'hibernating'
  | 'lost';

export const rfmCells: readonly RfmCell[] = [
  'champions',
  'loyal',
  'potential-loyalists',
  'new',
  'promising',
  'need-attention',
  'about-to-sleep',
  'at-risk',
  'cant-lose-them',
  'hibernating',
  'lost',
];

export type LifecycleStage = 'new' | 'honeymoon' | 'repeat' | 'loyal' | 'at-risk' | 'dormant' | 'lost';
export const lifecycleStages: readonly LifecycleStage[] = [
  'new',
  'honeymoon',
  'repeat',
  'loyal',
  'at-risk',
  'dormant',
  'lost',
];

export type ActivityLevel = 'active' | 'warm' | 'dormant';
export const activityLevels: readonly ActivityLevel[] = ['active', 'warm', 'dormant'];

/** The R/FM grid: rows by FM = ceil((F + M) / 2) from 5 down to 1, columns by R from 1 to 5. */
const grid: readonly (readonly RfmCell[])[] = [
  ['cant-lose-them', 'cant-lose-them', 'loyal', 'loyal', 'champions'],
  ['at-risk', 'at-risk', 'loyal', 'loyal', 'champions'],
  ['at-risk', 'at-risk', 'need-attention', 'potential-loyalists', 'potential-loyalists'],
  ['hibernating', 'hibernating', 'about-to-sleep', 'potential-loyalists', 'potential-loyalists'],
  ['lost', 'hibernating', 'about-to-sleep', 'promising', 'new'],
];

export function rfmCell(recency: number, frequency: number, monetary: number): RfmCell {
  const fm = Math.ceil((frequency + monetary) / 2);
  return grid[5 - fm]?.[recency - 1] ?? 'lost';
}

export interface LifecycleThresholds {
  /** A customer is in the honeymoon this many days after the first order. */
  honeymoonDays: number;
  /** Paid orders from which a repeat customer is loyal. */
  loyalOrders: number;
  /** The customer's own rhythm is used from this many paid orders; the shop's before. */
  ownRhythmOrders: number;
  /** At-risk, dormant, lost: days since the last order beyond this multiple of the rhythm... */
  atRiskMultiple: number;
  dormantMultiple: number;
  lostMultiple: number;
  /** ...and beyond these floors, so a fast rhythm does not call a customer lost within days. */
  atRiskFloorDays: number;
  dormantFloorDays: number;
  lostFloorDays: number;
  /** The rhythm when the shop has no repeat customer yet. */
  defaultIntervalDays: number;
  /** With a model: P(alive) below this makes an active customer at-risk... */
  atRiskPAlive: number;
  /** ...and below this, an at-risk one lost. */
  lostPAlive: number;
}

export const defaultLifecycle: LifecycleThresholds = {
  honeymoonDays: 30,
  loyalOrders: 4,
  ownRhythmOrders: 3,
  atRiskMultiple: 2,
  dormantMultiple: 4,
  lostMultiple: 8,
  atRiskFloorDays: 30,
  dormantFloorDays: 60,
  lostFloorDays: 120,
  defaultIntervalDays: 30,
  atRiskPAlive: 0.5,
  lostPAlive: 0.1,
};

/**
 * A repeat customer's rhythm: the mean days between paid orders over the whole history,
 * (last − first) / (orders − 1). Exact from three figures every profile keeps, unlike the median of
 * the last few intervals, so every shard and an SQL check compute the same. Null below two orders.
 */
export function rhythmDays(c: CustomerInput): number | null {
  if (c.paidOrderCount < 2 || c.firstOrderAt === null || c.lastOrderAt === null) return null;
  return (c.lastOrderAt - c.firstOrderAt) / dayMs / (c.paidOrderCount - 1);
}

export function lifecycleStage(
  c: CustomerInput,
  shopIntervalDays: number | null,
  t: LifecycleThresholds,
  nowMs: number,
  pAlive: number | null = null,
): LifecycleStage {
  if (c.paidOrderCount === 0 || c.lastOrderAt === null || c.firstOrderAt === null) return 'new';
  if ((nowMs - c.firstOrderAt) / dayMs <= t.honeymoonDays) return 'honeymoon';
  const own = c.paidOrderCount >= t.ownRhythmOrders ? rhythmDays(c) : null;
  const base = own ?? shopIntervalDays ?? t.defaultIntervalDays;
  const since = (nowMs - c.lastOrderAt) / dayMs;
  const atRisk = since > Math.max(t.atRiskFloorDays, t.atRiskMultiple * base);
  if (since > Math.max(t.lostFloorDays, t.lostMultiple * base)) return 'lost';
  if (atRisk && pAlive !== null && pAlive < t.lostPAlive) return 'lost';
  if (since > Math.max(t.dormantFloorDays, t.dormantMultiple * base)) return 'dormant';
  // A one-timer past the honeymoon has not come back: the second order is what retention is about.
  if (atRisk || c.paidOrderCount === 1 || (pAlive !== null && pAlive < t.atRiskPAlive)) return 'at-risk';
  return c.paidOrderCount >= t.loyalOrders ? 'loyal' : 'repeat';
}

export interface ActivityThresholds {
  activeDays: number;
  /** Contacts within activeDays needed to be active rather than warm. */
  activeContacts: number;
  warmDays: number;
}

export const defaultActivity: ActivityThresholds = { activeDays: 30, activeContacts: 2, warmDays: 90 };

/** recentContacts must have been counted over activeDays (customerInputOf does). */
export function activityLevel(c: CustomerInput, t: ActivityThresholds, nowMs: number): ActivityLevel {
  if (c.lastSeenAt === null) return 'dormant';
  const since = (nowMs - c.lastSeenAt) / dayMs;
  if (since <= t.activeDays && c.recentContacts >= t.activeContacts) return 'active';
  return since <= t.warmDays ? 'warm' : 'dormant';
}

/** Big sale days when a shop names none: 618, Double 11 and Double 12, every year. */
export const defaultSaleDays: readonly string[] = ['06-18', '11-11', '12-12'];

/** Sale days are YYYY-MM-DD (that day) or MM-DD (that day every year), on the shop's clock. */
export function isSaleDay(day: string, saleDays: ReadonlySet<string>): boolean {
  return saleDays.has(day) || saleDays.has(day.slice(5));
}

export interface PriceSensitivity {
  /** Paid orders with a coupon or discount, as a share of paid orders (0 without any). */
  discountShare: number;
  /** Bought on one day only, and that day a big sale day. */
  saleDayOneTimer: boolean;
  priceSensitive: boolean;
}

export const priceSensitiveShare = 0.5;

export function priceSensitivity(c: CustomerInput, saleDays: ReadonlySet<string>): PriceSensitivity {
  const discountShare = c.paidOrderCount ? c.discountedOrderCount / c.paidOrderCount : 0;
  const saleDayOneTimer =
    c.purchaseDays === 1 && c.firstOrderDay !== null && isSaleDay(c.firstOrderDay, saleDays);
  return {
    discountShare,
    saleDayOneTimer,
    priceSensitive: (c.paidOrderCount > 0 && discountShare >= priceSensitiveShare) || saleDayOneTimer,
  };
}

export interface InterestThresholds {
  windowDays: number;
  minViews: number;
}

export const defaultInterest: InterestThresholds = { windowDays: 30, minViews: 3 };

function oftenViewed(views: Record<string, ViewCount>, since: string, minViews: number): string[] {
  return Object.entries(views)
    .filter(([, v]) => v.recentAt.filter((at) => at >= since).length >= minViews)
    .map(([key]) => key);
}

/** Viewed minViews times or more within the window (by the recent view times kept), or carted in it. */
export function interestsOf(
  activity: Profile['activity'],
  nowMs: number,
  t: InterestThresholds = defaultInterest,
): { categories: string[]; products: string[] } {
  const since = new Date(nowMs - t.windowDays * dayMs).toISOString();
  const categories = new Set(oftenViewed(activity.categoryViews, since, t.minViews));
  const products = new Set(oftenViewed(activity.productViews, since, t.minViews));
  const cart = activity.cart;
  if (cart && cart.updatedAt >= since) {
    for (const item of cart.items) {
      if (item.category) categories.add(item.category);
      products.add(item.sku);
    }
  }
  return { categories: [...categories].sort(), products: [...products].sort() };
}

const ms = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

/** The engine's input for one customer, from its profile, as of now, on the shop's clock. */
export function customerInputOf(
  profile: Pick<Profile, 'customerId' | 'activity' | 'traits'>,
  timeZone: string,
  now: Date,
  options: { activity?: ActivityThresholds; interest?: InterestThresholds } = {},
): CustomerInput {
  const { activity } = profile;
  const stats = summarize(activity, timeZone);
  const nowMs = now.getTime();
  const contactSince = new Date(
    nowMs - (options.activity ?? defaultActivity).activeDays * dayMs,
  ).toISOString();
  const contacts = new Set<string>();
  const touch = (at: string | null | undefined) => {
    if (at && at >= contactSince && at <= now.toISOString()) contacts.add(at);
  };
  for (const v of [...Object.values(activity.productViews), ...Object.values(activity.categoryViews)])
    v.recentAt.forEach(touch);
  for (const o of Object.values(activity.orders)) touch(o.placedAt);
  touch(activity.cart?.updatedAt);
  touch(activity.lastSeenAt);
  const unpaidPlaced = stats.unpaidOrderIds.map((id) => activity.orders[id]?.placedAt ?? '').sort();
  const interests = interestsOf(activity, nowMs, options.interest);
  return {
    customerId: profile.customerId,
    paidOrderCount: stats.paidOrderCount,
    totalSpend: stats.totalSpend,
    discountedOrderCount: stats.discountedOrderCount,
    purchaseDays: stats.purchaseDays,
    firstOrderAt: ms(stats.firstOrderAt),
    lastOrderAt: ms(stats.lastOrderAt),
    lastSeenAt: ms(stats.lastSeenAt),
    firstOrderDay: stats.firstOrderAt ? dayOf(stats.firstOrderAt, timeZone) : null,
    recentContacts: contacts.size,
    cartUpdatedAt: ms(activity.cart?.updatedAt),
    unpaidOrders: stats.unpaidOrderIds.length,
    lastUnpaidOrderAt: ms(unpaidPlaced.at(-1)),
    interestedCategories: interests.categories,
    interestedProducts: interests.products,
    traits: profile.traits,
  };
}
