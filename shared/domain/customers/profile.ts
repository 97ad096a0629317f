import { type ShopSettings, tierFor } from '../shops/shop.js';
import { browsingEventTypes, type LineItem, type StoredEvent } from './events.js';
import { toMinorUnits } from './money.js';

/**
 * A customer profile and the pure reducer that keeps its stats from events.
 *
 * `activity` holds the facts events establish; `stats` are derived from it alone (summarize), never
 * stored. Orders are facts keyed by their own ids, so the result does not depend on arrival order: a
 * payment seen before its order counts once both are in, and a backfilled old order never becomes the
 * last one. Nothing here grows with a customer's history: the most recent orders are kept as facts,
 * older ones are moved out (`archived`, written as items of their own) and summed into `history`;
 * views keep the few most recent keys. Exactly-once application is the change's job (applied.ts).
 */

export type Channel = 'email' | 'sms';
export type Purpose = 'marketing' | 'care';

export interface Traits {
  name?: string;
  phone?: string;
  email?: string;
  /** YYYY-MM-DD, or --MM-DD when the year is unknown. */
  birthday?: string;
  /** The customer's IANA time zone, when the shop knows it: birthdays come at 09:00 on their clock. */
  timeZone?: string;
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
  /**
   * When the shop called the order off. A cancelled order is neither unpaid nor a purchase, paid or
   * not: the money of a paid one goes back, whether or not the shop also reports the refund.
   */
  cancelledAt?: string;
  /** Minor units. */
  total?: number;
  currency?: string;
  /** Minor units, by refund id, so a refund reported twice counts once. */
  refunds: Record<string, number>;
  couponCode?: string;
  /** Minor units the shop says it took off (`total` is what was paid); a coupon's minimum is checked on both. */
  discount?: number;
  discounted: boolean;
  /** The order's categories (a few), for interest and care content. */
  categories: string[];
}

/** What the orders moved out of the profile add up to. Minor units. */
export interface OrderHistory {
  orders: number;
  paidOrders: number;
  netSpend: number;
  discountedOrders: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  /** Distinct days with a paid order (purchase occasions). */
  purchaseDays: number;
  /**
   * Those days in the latest three calendar years of the history, a bit per day of each year
   * (base64, 46 bytes a year), so an order folded in late or paid late on a day already counted is
   * not counted again, whatever order events arrive in. A day in an older year is taken as new.
   */
  dayBits: Record<string, string>;
  coupons: Record<string, number>;
}

export interface ViewCount {
  count: number;
  lastAt: string;
  /** The latest few view times, newest last: enough for "viewed 3+ times within 30 days". */
  recentAt: string[];
}

export interface Cart {
  cartId?: string;
  /** The largest few lines, for "continue your order". */
  items: LineItem[];
  lineCount: number;
  updatedAt: string;
}

export interface Activity {
  /** The most recent orders (and any order a late event touched meanwhile), by order id. */
  orders: Record<string, OrderFacts>;
  history: OrderHistory;
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
  /** Minor units. */
  averageOrderValue: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  /** Days with a paid order: repeat purchases on one day are one occasion. */
  purchaseDays: number;
  /** Days between consecutive recent paid orders, in order (the last few orders only). */
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
  tier: string | null;
  segments: string[];
  /** Customers folded into this one, whose history is this one's now. */
  mergedFrom: string[];
}

/**
 * Settled orders kept in the profile; older ones move out as soon as they are settled, whatever the
 * order they arrived in, so the profile always holds the same latest orders. Each moved order is one
 * small write of its own, once.
 */
export const recentOrdersKept = 6;
export const maxTrackedViews = 6;
const recentViewsKept = 3;
const cartLinesKept = 5;
const categoriesPerOrder = 3;
const couponsKept = 10;
const dayBitYears = 3;
/** An unpaid order this much older than the latest order is left behind, and may move out. */
const unpaidKeptDays = 30;
const dayMs = 86_400_000;

export function emptyHistory(): OrderHistory {
  return {
    orders: 0,
    paidOrders: 0,
    netSpend: 0,
    discountedOrders: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    purchaseDays: 0,
    dayBits: {},
    coupons: {},
  };
}

export function emptyActivity(): Activity {
  return {
    orders: {},
    history: emptyHistory(),
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
  return {
    shopId,
    customerId,
    createdAt,
    traits: {},
    activity: emptyActivity(),
    tier: null,
    segments: [],
    mergedFrom: [],
  };
}

/**
 * Events whose effect adds up (a count): applied twice, they would count twice. Every other event
 * sets facts by id (orders, payments, refunds) or by time (last seen, the cart, consent), which
 * applying again leaves as they are; only these need to be remembered as applied.
 */
export const additiveEventTypes: ReadonlySet<StoredEvent['type']> = new Set([
  'page_viewed',
  'review_posted',
  'complaint_filed',
]);

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

function emptyOrder(): OrderFacts {
  return { refunds: {}, discounted: false, categories: [] };
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

function cartOf(items: LineItem[], cartId: string | undefined, at: string): Cart {
  const largest = [...items]
    .sort((a, b) => b.price * b.quantity - a.price * a.quantity)
    .slice(0, cartLinesKept)
    // Names, pages and pictures kept for the cart reminder: a later change's new lines have them too.
    .map(({ sku, name, category, price, quantity, url, imageUrl }) => ({
      sku,
      ...(name ? { name } : {}),
      category,
      price,
      quantity,
      ...(url ? { url } : {}),
      ...(imageUrl ? { imageUrl } : {}),
    }));
  return { cartId, items: largest, lineCount: items.length, updatedAt: at };
}

/**
 * Applies one event's facts to the activity, in place. Caller guarantees each event once. `orders`
 * must hold the order the event names if it is known anywhere (the change loads archived ones).
 */
export function applyToActivity(activity: Activity, event: StoredEvent): void {
  const at = event.occurredAt;
  if (customerActions.has(event.type)) {
    activity.lastSeenAt = later(activity.lastSeenAt, at);
    activity.firstSeenAt = earlier(activity.firstSeenAt, at);
  }
  const order = (orderId: string) => {
    activity.orders[orderId] ??= emptyOrder();
    return activity.orders[orderId];
  };
  switch (event.type) {
    case 'page_viewed':
      if (event.properties.sku) countView(activity.productViews, event.properties.sku, at);
      if (event.properties.category) countView(activity.categoryViews, event.properties.category, at);
      break;
    case 'cart_updated':
      // A cart an order placed since has checked out is no cart left behind, whatever arrived first.
      if (Object.values(activity.orders).some((o) => o.placedAt && o.placedAt >= at)) break;
      if (!activity.cart || activity.cart.updatedAt <= at) {
        activity.cart = cartOf(event.properties.items, event.properties.cartId, at);
      }
      break;
    case 'order_placed': {
      const p = event.properties;
      const o = order(p.orderId);
      o.placedAt = at;
      o.total = toMinorUnits(p.total);
      o.currency = p.currency;
      o.couponCode = p.couponCode;
      if (p.discount !== undefined) o.discount = toMinorUnits(p.discount);
      o.discounted = Boolean(p.couponCode || (p.discount ?? 0) > 0);
      o.categories = [...new Set(p.items.flatMap((i) => (i.category ? [i.category] : [])))].slice(
        0,
        categoriesPerOrder,
      );
      if (p.paidAt) {
        // Paying is something the customer did: it counts as seen, as an order_paid event would.
        const paidAt = new Date(p.paidAt).toISOString();
        o.paidAt = o.paidAt ? earlier(o.paidAt, paidAt) : paidAt;
        activity.lastSeenAt = later(activity.lastSeenAt, paidAt);
      }
      // An order placed after the cart's last change is that cart checked out.
      if (activity.cart && activity.cart.updatedAt <= at) activity.cart = null;
      break;
    }
    case 'order_paid': {
      const o = order(event.properties.orderId);
      o.paidAt = o.paidAt ? earlier(o.paidAt, at) : at;
      break;
    }
    case 'order_shipped':
      order(event.properties.orderId).shippedAt = at;
      break;
    case 'order_cancelled': {
      // The first report stands: a cancellation reported again later is the same cancellation.
      const o = order(event.properties.orderId);
      o.cancelledAt = o.cancelledAt ? earlier(o.cancelledAt, at) : at;
      break;
    }
    case 'order_refunded':
      order(event.properties.orderId).refunds[event.properties.refundId] = toMinorUnits(
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

/** The calendar day (YYYY-MM-DD) of an instant on the shop's clock. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
export function dayOf(iso: string, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

function dayBit(day: string): { year: string; byte: number; mask: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / dayMs;
  return { year: String(y), byte: index >> 3, mask: 1 << (index & 7) };
}

function yearBits(dayBits: Record<string, string>, year: string): Buffer {
  const bits = dayBits[year];
  return bits ? Buffer.from(bits, 'base64') : Buffer.alloc(46);
}

function hasDay(dayBits: Record<string, string>, day: string): boolean {
  const { year, byte, mask } = dayBit(day);
  return Boolean((yearBits(dayBits, year)[byte] ?? 0) & mask);
}

/** Marks a purchase day; new unless marked before. Only the latest years are kept. */
function markDay(
  dayBits: Record<string, string>,
  day: string,
): { dayBits: Record<string, string>; isNew: boolean } {
  const { year, byte, mask } = dayBit(day);
  const years = Object.keys(dayBits).sort();
  if (years.length >= dayBitYears && year < (years[0] as string)) return { dayBits, isNew: true };
  const bits = yearBits(dayBits, year);
  if ((bits[byte] ?? 0) & mask) return { dayBits, isNew: false };
  bits[byte] = (bits[byte] ?? 0) | mask;
  const kept = { ...dayBits, [year]: bits.toString('base64') };
  for (const old of Object.keys(kept).sort().slice(0, -dayBitYears)) delete kept[old];
  return { dayBits: kept, isNew: true };
}

function unionDays(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const year of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().slice(-dayBitYears)) {
    const x = yearBits(a, year);
    const y = yearBits(b, year);
    out[year] = Buffer.from(x.map((v, i) => v | (y[i] ?? 0))).toString('base64');
  }
  return out;
}

function sharedDays(a: Record<string, string>, b: Record<string, string>): number {
  let shared = 0;
  for (const year of Object.keys(a)) {
    if (!b[year]) continue;
    const y = yearBits(b, year);
    for (const [i, v] of yearBits(a, year).entries()) {
      let both = v & (y[i] ?? 0);
      for (; both; both &= both - 1) shared += 1;
    }
  }
  return shared;
}

/**
 * What one order adds to the stats: nothing until it is placed; spend only once paid and neither
 * fully refunded nor cancelled.
 */
export interface Contribution {
  placedAt: string;
  paid: boolean;
  net: number;
  discounted: boolean;
  couponCode?: string;
  unpaid: boolean;
}

export function contributionOf(o: OrderFacts): Contribution | null {
  if (o.placedAt === undefined || o.total === undefined) return null; // payment or refund ahead of its order
  const refunded = Object.values(o.refunds).reduce((a, b) => a + b, 0);
  const net = Math.max(0, o.total - refunded);
  const fullyRefunded = o.total > 0 && net === 0;
  const cancelledOrRefunded = fullyRefunded || o.cancelledAt !== undefined;
  const paid = Boolean(o.paidAt) && !cancelledOrRefunded;
  return {
    placedAt: o.placedAt,
    paid,
    net: paid ? net : 0,
    discounted: paid && o.discounted,
    couponCode: paid ? o.couponCode : undefined,
    unpaid: !o.paidAt && !cancelledOrRefunded,
  };
}

function addCoupon(coupons: Record<string, number>, code: string, by: number): Record<string, number> {
  const out = { ...coupons, [code]: (coupons[code] ?? 0) + by };
  if ((out[code] ?? 0) <= 0) delete out[code];
  const codes = Object.keys(out);
  // Keep the most used codes; a coupon collector's profile stays bounded.
  if (codes.length > couponsKept) {
    const least = codes.reduce((a, b) => ((out[a] ?? 0) <= (out[b] ?? 0) ? a : b));
    delete out[least];
  }
  return out;
}

/**
 * Adds (sign 1) or takes back (sign -1) an order's contribution to the history. Taking back is used
 * when a late event changes an archived order; first/last dates and purchase days only move forward
 * (a refund of an old order does not un-count the day it was bought), which keeps the history bounded.
 */
export function foldIntoHistory(
  history: OrderHistory,
  o: OrderFacts,
  sign: 1 | -1,
  timeZone: string,
): OrderHistory {
  const c = contributionOf(o);
  const h = { ...history, orders: history.orders + sign };
  if (!c?.paid) return h;
  h.paidOrders += sign;
  h.netSpend += sign * c.net;
  if (c.discounted) h.discountedOrders += sign;
  if (c.couponCode) h.coupons = addCoupon(h.coupons, c.couponCode, sign);
  if (sign === 1) {
    h.firstOrderAt = h.firstOrderAt ? earlier(h.firstOrderAt, c.placedAt) : c.placedAt;
    h.lastOrderAt = h.lastOrderAt ? later(h.lastOrderAt, c.placedAt) : c.placedAt;
    const marked = markDay(h.dayBits, dayOf(c.placedAt, timeZone));
    h.dayBits = marked.dayBits;
    if (marked.isNew) h.purchaseDays += 1;
  }
  return h;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

/** The tier the shop's ladder gives this activity. */
function tierOf(activity: Activity, settings: Pick<ShopSettings, 'tiers' | 'timeZone'>): string | null {
  const stats = summarize(activity, settings.timeZone);
  return tierFor(stats.totalSpend, stats.paidOrderCount, settings.tiers);
}

/** Derives the stats from the facts. Pure and total: the same facts always give the same stats. */
export function summarize(activity: Activity, timeZone: string): ProfileStats {
  const h = activity.history;
  const paid: Contribution[] = [];
  const unpaidOrderIds: string[] = [];
  let couponsUsed = h.coupons;
  for (const [orderId, o] of Object.entries(activity.orders)) {
    const c = contributionOf(o);
    if (!c) continue;
    if (c.unpaid) unpaidOrderIds.push(orderId);
    if (!c.paid) continue;
    paid.push(c);
    if (c.couponCode) couponsUsed = addCoupon(couponsUsed, c.couponCode, 1);
  }
  paid.sort((a, b) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : 0));
  const totalSpend = h.netSpend + paid.reduce((sum, p) => sum + p.net, 0);
  const paidOrderCount = h.paidOrders + paid.length;
  const orderIntervalsDays: number[] = [];
  for (let i = 1; i < paid.length; i++) {
    const gap = Date.parse(paid[i]?.placedAt ?? '') - Date.parse(paid[i - 1]?.placedAt ?? '');
    orderIntervalsDays.push(Math.round((gap / dayMs) * 10) / 10);
  }
  const days = [...new Set(paid.map((p) => dayOf(p.placedAt, timeZone)))].filter(
    (d) => !hasDay(h.dayBits, d),
  );
  const first = paid[0]?.placedAt;
  const last = paid.at(-1)?.placedAt;
  return {
    paidOrderCount,
    totalSpend,
    averageOrderValue: paidOrderCount ? Math.round(totalSpend / paidOrderCount) : 0,
    firstOrderAt:
      h.firstOrderAt && first ? earlier(h.firstOrderAt, first) : (h.firstOrderAt ?? first ?? null),
    lastOrderAt: h.lastOrderAt && last ? later(h.lastOrderAt, last) : (h.lastOrderAt ?? last ?? null),
    purchaseDays: h.purchaseDays + days.length,
    orderIntervalsDays,
    medianOrderIntervalDays: median(orderIntervalsDays),
    lastSeenAt: activity.lastSeenAt,
    unpaidOrderIds: unpaidOrderIds.sort(),
    couponsUsed,
    discountedOrderCount: h.discountedOrders + paid.filter((p) => p.discounted).length,
  };
}

export interface ArchivedOrder {
  orderId: string;
  facts: OrderFacts;
}

/**
 * Moves settled orders older than the latest few out of the profile, folding them into the history;
 * returns the orders to write as items of their own.
 */
export function archiveOldOrders(activity: Activity, timeZone: string): ArchivedOrder[] {
  const ids = Object.keys(activity.orders);
  if (ids.length <= recentOrdersKept) return [];
  const placed = ids.flatMap((id) => {
    const at = activity.orders[id]?.placedAt;
    return at ? [{ id, at }] : [];
  });
  const newest = placed.reduce((max, o) => (o.at > max ? o.at : max), '');
  const settledBefore = new Date(Date.parse(newest || '1970-01-01') - unpaidKeptDays * dayMs).toISOString();
  // Only settled orders move out: paid or cancelled ones (a late refund is all that can still change
  // them), and unpaid ones left long behind. An order not placed yet, or awaiting its payment, stays.
  const movable = placed
    .filter(({ id, at }) => {
      const o = activity.orders[id];
      return o?.paidAt || o?.cancelledAt || at < settledBefore;
    })
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
  const moved = movable.slice(0, Math.max(0, movable.length - recentOrdersKept));
  const archived: ArchivedOrder[] = [];
  for (const { id: orderId } of moved) {
    const facts = activity.orders[orderId] as OrderFacts;
    activity.history = foldIntoHistory(activity.history, facts, 1, timeZone);
    delete activity.orders[orderId];
    archived.push({ orderId, facts });
  }
  return archived;
}

export interface TierChange {
  from: string | null;
  to: string;
}

/**
 * Applies events (each exactly once, any order) to a profile. `archived` holds the archived orders
 * these events name: their old contribution is taken out of the history, the event applied, and the
 * new one put back; they are returned (with any newly archived orders) to be written.
 */
export function applyEvents(
  profile: Profile,
  events: StoredEvent[],
  settings: ShopSettings,
  archived: ReadonlyMap<string, OrderFacts> = new Map(),
): { profile: Profile; archivedOrders: ArchivedOrder[]; changedArchive: boolean } {
  const activity = structuredClone(profile.activity);
  const touched = new Map<string, OrderFacts>();
  let traits = profile.traits;
  for (const event of events) {
    const orderId = 'orderId' in event.properties ? event.properties.orderId : undefined;
    const old = orderId ? archived.get(orderId) : undefined;
    if (orderId && old && !(orderId in activity.orders)) {
      // A late event for an order moved out: work on its facts here, then settle the history below.
      const facts = touched.get(orderId) ?? structuredClone(old);
      touched.set(orderId, facts);
      applyToActivity({ ...activity, orders: { [orderId]: facts } }, event);
    } else {
      applyToActivity(activity, event);
    }
    traits = applyToTraits(traits, event);
  }
  for (const [orderId, facts] of touched) {
    const before = archived.get(orderId) as OrderFacts;
    activity.history = foldIntoHistory(
      foldIntoHistory(activity.history, before, -1, settings.timeZone),
      facts,
      1,
      settings.timeZone,
    );
  }
  const archivedOrders = [
    ...[...touched].map(([orderId, facts]) => ({ orderId, facts })),
    ...archiveOldOrders(activity, settings.timeZone),
  ];
  const tier = tierOf(activity, settings);
  return {
    profile: { ...profile, activity, traits, tier },
    archivedOrders,
    changedArchive: touched.size > 0,
  };
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
  // The merged map keeps the most recently seen keys only.
  const kept = Object.entries(out)
    .sort(([, x], [, y]) => (x.lastAt < y.lastAt ? 1 : -1))
    .slice(0, maxTrackedViews);
  return Object.fromEntries(kept);
}

function mergeOrder(a: OrderFacts | undefined, b: OrderFacts): OrderFacts {
  if (!a) return b;
  return {
    placedAt: a.placedAt ?? b.placedAt,
    paidAt: a.paidAt && b.paidAt ? earlier(a.paidAt, b.paidAt) : (a.paidAt ?? b.paidAt),
    shippedAt: a.shippedAt ?? b.shippedAt,
    ...(a.cancelledAt || b.cancelledAt
      ? {
          cancelledAt:
            a.cancelledAt && b.cancelledAt
              ? earlier(a.cancelledAt, b.cancelledAt)
              : (a.cancelledAt ?? b.cancelledAt),
        }
      : {}),
    total: a.total ?? b.total,
    currency: a.currency ?? b.currency,
    refunds: { ...a.refunds, ...b.refunds },
    couponCode: a.couponCode ?? b.couponCode,
    ...((a.discount ?? b.discount) === undefined ? {} : { discount: a.discount ?? b.discount }),
    discounted: a.discounted || b.discounted,
    categories: [...new Set([...a.categories, ...b.categories])].slice(0, categoriesPerOrder),
  };
}

function addHistories(a: OrderHistory, b: OrderHistory): OrderHistory {
  let coupons = a.coupons;
  for (const [code, n] of Object.entries(b.coupons)) coupons = addCoupon(coupons, code, n);
  const dates = (x: string | null, y: string | null, pick: (p: string, q: string) => string) =>
    x && y ? pick(x, y) : (x ?? y);
  return {
    orders: a.orders + b.orders,
    paidOrders: a.paidOrders + b.paidOrders,
    netSpend: a.netSpend + b.netSpend,
    discountedOrders: a.discountedOrders + b.discountedOrders,
    firstOrderAt: dates(a.firstOrderAt, b.firstOrderAt, earlier),
    lastOrderAt: dates(a.lastOrderAt, b.lastOrderAt, later),
    // A day both had is one occasion.
    purchaseDays: a.purchaseDays + b.purchaseDays - sharedDays(a.dayBits, b.dayBits),
    dayBits: unionDays(a.dayBits, b.dayBits),
    coupons,
  };
}

/**
 * Folds `other` into `survivor` when two known customers turn out to be one. Facts keyed by id
 * (orders) combine without double counting; counts add up because no event was applied to both.
 * Returns the orders the merged profile moves out.
 */
export function mergeProfiles(
  survivor: Profile,
  other: Profile,
  settings: ShopSettings,
): { profile: Profile; archivedOrders: ArchivedOrder[] } {
  const a = survivor.activity;
  const b = other.activity;
  const orders = { ...a.orders };
  for (const [id, o] of Object.entries(b.orders)) orders[id] = mergeOrder(orders[id], o);
  const carts = [a.cart, b.cart]
    .filter((c): c is Cart => c !== null)
    .sort((x, y) => (x.updatedAt < y.updatedAt ? 1 : -1));
  const seen = (pick: (xs: string[]) => string | undefined, x: string | null, y: string | null) =>
    pick([x, y].filter((v): v is string => !!v).sort()) ?? null;
  const activity: Activity = {
    orders,
    history: addHistories(a.history, b.history),
    productViews: mergeViews(a.productViews, b.productViews),
    categoryViews: mergeViews(a.categoryViews, b.categoryViews),
    cart: carts[0] ?? null,
    firstSeenAt: seen((xs) => xs[0], a.firstSeenAt, b.firstSeenAt),
    lastSeenAt: seen((xs) => xs.at(-1), a.lastSeenAt, b.lastSeenAt),
    reviews: a.reviews + b.reviews,
    complaints: a.complaints + b.complaints,
  };
  const archivedOrders = archiveOldOrders(activity, settings.timeZone);
  // The survivor's own traits win; the other fills what the survivor lacks.
  const traits: Traits = { ...other.traits, ...stripUndefined(survivor.traits) };
  return {
    profile: {
      ...survivor,
      createdAt: earlier(survivor.createdAt, other.createdAt),
      traits,
      activity,
      tier: tierOf(activity, settings),
      // The survivor's own list matches its member items; the next refresh places the merged customer.
      segments: survivor.segments,
      mergedFrom: [...new Set([...survivor.mergedFrom, other.customerId, ...other.mergedFrom])],
    },
    archivedOrders,
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
