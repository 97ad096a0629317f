import { type ShopSettings, tierFor } from '../shops/shop.js';
import type { LineItem, StoredEvent } from './events.js';
import { browsingEventTypes, toMinorUnits } from './events.js';

/**
 * A customer profile and the pure reducer that keeps its stats from events.
 *
 * `activity` holds the facts events establish (orders by id, views, cart); `stats` is derived from
 * it alone. Keeping facts keyed by their own ids (orderId, refundId) makes the result independent of
 * arrival order: a payment seen before its order counts once both are in, and a backfilled old order
 * never becomes the last one. Exactly-once application is the store's job (see apply-events).
 */

export type Channel = 'email' | 'sms';
export type Purpose = 'marketing' | 'care';

export interface Traits {
  name?: string;
  phone?: string;
  email?: string;
  /** YYYY-MM-DD, or --MM-DD when the year is unknown. */
  birthday?: string;
  region?: string;
  tags?: string[];
  consent?: Partial<Record<Channel, Partial<Record<Purpose, boolean>>>>;
  /** Set by bounces and complaints: huitou never sends on a suppressed channel. */
  suppressed?: Partial<Record<Channel, 'bounced' | 'complained'>>;
}

export interface OrderFacts {
  placedAt?: string;
  paidAt?: string;
  shippedAt?: string;
  /** Minor units. */
  total?: number;
  currency?: string;
  refunds: Record<string, number>;
  couponCode?: string;
  discounted: boolean;
  categories: string[];
}

export interface ViewCount {
  count: number;
  lastAt: string;
  /** The latest few view times, newest last: enough for "viewed 3+ times within 30 days". */
  recentAt: string[];
}

export interface Cart {
  cartId?: string;
  items: LineItem[];
  updatedAt: string;
}

export interface Activity {
  orders: Record<string, OrderFacts>;
  productViews: Record<string, ViewCount>;
  categoryViews: Record<string, ViewCount>;
  cart: Cart | null;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  reviews: number;
  complaints: number;
}

export interface ProfileStats {
  paidOrderCount: number;
  /** Minor units, net of refunds. */
  totalSpend: number;
  averageOrderValue: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  /** Days between consecutive paid orders, in order. */
  orderIntervalsDays: number[];
  medianOrderIntervalDays: number | null;
  lastSeenAt: string | null;
  unpaidOrderIds: string[];
  couponsUsed: Record<string, number>;
  discountedOrderCount: number;
}

export interface Profile {
  shopId: string;
  customerId: string;
  createdAt: string;
  traits: Traits;
  activity: Activity;
  stats: ProfileStats;
  tier: string | null;
  segments: string[];
  /** Customers folded into this one, whose history is this one's now. */
  mergedFrom: string[];
}

export const maxTrackedViews = 200;
const recentViewsKept = 10;
const dayMs = 86_400_000;

export function emptyActivity(): Activity {
  return {
    orders: {},
    productViews: {},
    categoryViews: {},
    cart: null,
    firstSeenAt: null,
    lastSeenAt: null,
    reviews: 0,
    complaints: 0,
  };
}

export function newProfile(shopId: string, customerId: string, createdAt: string): Profile {
  const activity = emptyActivity();
  return {
    shopId,
    customerId,
    createdAt,
    traits: {},
    activity,
    stats: summarize(activity),
    tier: null,
    segments: [],
    mergedFrom: [],
  };
}

/** Events a customer did themselves; these move lastSeenAt. */
const customerActions: ReadonlySet<StoredEvent['type']> = new Set([
  'signed_up',
  'page_viewed',
  'cart_updated',
  'checkout_started',
  'order_placed',
  'order_paid',
  'review_posted',
  'complaint_filed',
  'message_opened',
  'message_clicked',
]);

function later(a: string | null | undefined, b: string): string {
  return a && a > b ? a : b;
}
function earlier(a: string | null | undefined, b: string): string {
  return a && a < b ? a : b;
}

function order(activity: Activity, orderId: string): OrderFacts {
  activity.orders[orderId] ??= { refunds: {}, discounted: false, categories: [] };
  return activity.orders[orderId];
}

function countView(map: Record<string, ViewCount>, key: string, at: string): void {
  const current = map[key] ?? { count: 0, lastAt: at, recentAt: [] };
  const recentAt = [...current.recentAt, at].sort().slice(-recentViewsKept);
  map[key] = { count: current.count + 1, lastAt: later(current.lastAt, at), recentAt };
  const keys = Object.keys(map);
  if (keys.length > maxTrackedViews) {
    // Forget the view least recently seen so a heavy browser's profile stays bounded.
    const oldest = keys.reduce((a, b) => ((map[a]?.lastAt ?? '') <= (map[b]?.lastAt ?? '') ? a : b));
    delete map[oldest];
  }
}

/** Applies one event's facts to the activity, in place. Caller guarantees each event once. */
export function applyToActivity(activity: Activity, event: StoredEvent): void {
  const at = event.occurredAt;
  if (customerActions.has(event.type)) {
    activity.lastSeenAt = later(activity.lastSeenAt, at);
    activity.firstSeenAt = earlier(activity.firstSeenAt, at);
  }
  switch (event.type) {
    case 'page_viewed':
      if (event.properties.sku) countView(activity.productViews, event.properties.sku, at);
      if (event.properties.category) countView(activity.categoryViews, event.properties.category, at);
      break;
    case 'cart_updated':
      if (!activity.cart || activity.cart.updatedAt <= at) {
        activity.cart = { cartId: event.properties.cartId, items: event.properties.items, updatedAt: at };
      }
      break;
    case 'order_placed': {
      const o = order(activity, event.properties.orderId);
      o.placedAt = at;
      o.total = toMinorUnits(event.properties.total);
      o.currency = event.properties.currency;
      o.couponCode = event.properties.couponCode;
      o.discounted = Boolean(event.properties.couponCode || (event.properties.discount ?? 0) > 0);
      o.categories = [...new Set(event.properties.items.flatMap((i) => (i.category ? [i.category] : [])))];
      // An order placed after the cart's last change is that cart checked out.
      if (activity.cart && activity.cart.updatedAt <= at) activity.cart = null;
      break;
    }
    case 'order_paid': {
      const o = order(activity, event.properties.orderId);
      o.paidAt = o.paidAt ? earlier(o.paidAt, at) : at;
      break;
    }
    case 'order_shipped':
      order(activity, event.properties.orderId).shippedAt = at;
      break;
    case 'order_refunded':
      order(activity, event.properties.orderId).refunds[event.properties.refundId] = toMinorUnits(
        event.properties.amount,
      );
      break;
    case 'review_posted':
      activity.reviews += 1;
      break;
    case 'complaint_filed':
      activity.complaints += 1;
      break;
    default:
      break;
  }
}

/** What consent and suppression an event implies for the customer's traits. */
export function applyToTraits(traits: Traits, event: StoredEvent): Traits {
  switch (event.type) {
    case 'unsubscribed': {
      const purposes: Purpose[] = event.properties.purpose ? [event.properties.purpose] : ['marketing'];
      const channel = { ...traits.consent?.[event.properties.channel] };
      for (const p of purposes) channel[p] = false;
      return { ...traits, consent: { ...traits.consent, [event.properties.channel]: channel } };
    }
    case 'message_bounced':
      if (event.properties.bounceType !== 'permanent') return traits;
      return { ...traits, suppressed: { ...traits.suppressed, email: 'bounced' } };
    case 'message_complained':
      return { ...traits, suppressed: { ...traits.suppressed, email: 'complained' } };
    default:
      return traits;
  }
}

function refunded(o: OrderFacts): number {
  return Object.values(o.refunds).reduce((a, b) => a + b, 0);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

/** Derives the stats from the facts. Pure and total: the same facts always give the same stats. */
export function summarize(activity: Activity): ProfileStats {
  const paid: Array<{ placedAt: string; net: number; o: OrderFacts }> = [];
  const unpaidOrderIds: string[] = [];
  const couponsUsed: Record<string, number> = {};
  let discountedOrderCount = 0;
  for (const [orderId, o] of Object.entries(activity.orders)) {
    if (o.placedAt === undefined || o.total === undefined) continue; // payment or refund ahead of its order
    const net = Math.max(0, o.total - refunded(o));
    const fullyRefunded = o.total > 0 && net === 0;
    if (!o.paidAt) {
      if (!fullyRefunded) unpaidOrderIds.push(orderId);
      continue;
    }
    if (fullyRefunded) continue;
    paid.push({ placedAt: o.placedAt, net, o });
    if (o.couponCode) couponsUsed[o.couponCode] = (couponsUsed[o.couponCode] ?? 0) + 1;
    if (o.discounted) discountedOrderCount += 1;
  }
  paid.sort((a, b) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : 0));
  const totalSpend = paid.reduce((sum, p) => sum + p.net, 0);
  const orderIntervalsDays: number[] = [];
  for (let i = 1; i < paid.length; i++) {
    const gap = Date.parse(paid[i]?.placedAt ?? '') - Date.parse(paid[i - 1]?.placedAt ?? '');
    orderIntervalsDays.push(Math.round((gap / dayMs) * 10) / 10);
  }
  return {
    paidOrderCount: paid.length,
    totalSpend,
    averageOrderValue: paid.length ? Math.round(totalSpend / paid.length) : 0,
    firstOrderAt: paid[0]?.placedAt ?? null,
    lastOrderAt: paid.at(-1)?.placedAt ?? null,
    orderIntervalsDays,
    medianOrderIntervalDays: median(orderIntervalsDays),
    lastSeenAt: activity.lastSeenAt,
    unpaidOrderIds: unpaidOrderIds.sort(),
    couponsUsed,
    discountedOrderCount,
  };
}

export interface TierChange {
  from: string | null;
  to: string;
}

export interface Applied {
  profile: Profile;
  tierChange: TierChange | null;
}

/** Applies events (each exactly once, any order) and reports a tier change, if the spend moved one. */
export function applyEvents(profile: Profile, events: StoredEvent[], settings: ShopSettings): Applied {
  const activity = structuredClone(profile.activity);
  let traits = profile.traits;
  for (const event of events) {
    applyToActivity(activity, event);
    traits = applyToTraits(traits, event);
  }
  const stats = summarize(activity);
  const tier = tierFor(stats.totalSpend, stats.paidOrderCount, settings.tiers);
  const tierChange = tier !== profile.tier && tier !== null ? { from: profile.tier, to: tier } : null;
  return { profile: { ...profile, activity, traits, stats, tier }, tierChange };
}

function mergeViews(a: Record<string, ViewCount>, b: Record<string, ViewCount>): Record<string, ViewCount> {
  const out = { ...a };
  for (const [key, v] of Object.entries(b)) {
    const mine = out[key];
    out[key] = mine
      ? {
          count: mine.count + v.count,
          lastAt: later(mine.lastAt, v.lastAt),
          recentAt: [...mine.recentAt, ...v.recentAt].sort().slice(-recentViewsKept),
        }
      : v;
  }
  return out;
}

function mergeOrder(a: OrderFacts | undefined, b: OrderFacts): OrderFacts {
  if (!a) return b;
  return {
    placedAt: a.placedAt ?? b.placedAt,
    paidAt: a.paidAt && b.paidAt ? earlier(a.paidAt, b.paidAt) : (a.paidAt ?? b.paidAt),
    shippedAt: a.shippedAt ?? b.shippedAt,
    total: a.total ?? b.total,
    currency: a.currency ?? b.currency,
    refunds: { ...a.refunds, ...b.refunds },
    couponCode: a.couponCode ?? b.couponCode,
    discounted: a.discounted || b.discounted,
    categories: [...new Set([...a.categories, ...b.categories])],
  };
}

/**
 * Folds `other` into `survivor` when two known customers turn out to be one. Facts keyed by id
 * (orders) combine without double counting; counts add up because no event was applied to both.
 */
export function mergeProfiles(survivor: Profile, other: Profile, settings: ShopSettings): Applied {
  const a = survivor.activity;
  const b = other.activity;
  const orders = { ...a.orders };
  for (const [id, o] of Object.entries(b.orders)) orders[id] = mergeOrder(orders[id], o);
  const carts = [a.cart, b.cart]
    .filter((c): c is Cart => c !== null)
    .sort((x, y) => (x.updatedAt < y.updatedAt ? 1 : -1));
  const activity: Activity = {
    orders,
    productViews: mergeViews(a.productViews, b.productViews),
    categoryViews: mergeViews(a.categoryViews, b.categoryViews),
    cart: carts[0] ?? null,
    firstSeenAt: [a.firstSeenAt, b.firstSeenAt].filter((x): x is string => !!x).sort()[0] ?? null,
    lastSeenAt:
      [a.lastSeenAt, b.lastSeenAt]
        .filter((x): x is string => !!x)
        .sort()
        .at(-1) ?? null,
    reviews: a.reviews + b.reviews,
    complaints: a.complaints + b.complaints,
  };
  // The survivor's own traits win; the other fills what the survivor lacks.
  const traits: Traits = { ...other.traits, ...stripUndefined(survivor.traits) };
  const stats = summarize(activity);
  const tier = tierFor(stats.totalSpend, stats.paidOrderCount, settings.tiers);
  const tierChange = tier !== survivor.tier && tier !== null ? { from: survivor.tier, to: tier } : null;
  return {
    profile: {
      ...survivor,
      createdAt: earlier(survivor.createdAt, other.createdAt),
      traits,
      activity,
      stats,
      tier,
      mergedFrom: [...new Set([...survivor.mergedFrom, other.customerId, ...other.mergedFrom])],
    },
    tierChange,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Seconds since the epoch at which a stored event expires, or undefined for events kept forever. */
export function eventExpiry(
  event: Pick<StoredEvent, 'type' | 'occurredAt'>,
  settings: ShopSettings,
): number | undefined {
  if (!browsingEventTypes.has(event.type)) return undefined;
  return Math.floor(Date.parse(event.occurredAt) / 1000) + settings.browsingRetentionDays * 86_400;
}
