import {
  type CustomerChange,
  maxMergeHops,
  namedIds,
  resolve,
  type StoredProfile,
} from '../../domain/customers/change.js';
import type { StoredEvent } from '../../domain/customers/events.js';
import { identitiesOf, identityKey } from '../../domain/customers/identity.js';
import { fromMinorUnits } from '../../domain/customers/money.js';
import type { OrderFacts, Profile } from '../../domain/customers/profile.js';
import {
  conversionsOfOrder,
  lookbackDaysOf,
  returnedFor,
  returnsOf,
  revisionsOfOrder,
} from '../../domain/reports/conversions.js';
import { type AttributionWindow, defaultAttributionWindow } from '../../domain/sending/attribution.js';
import type { SendRecord } from '../../domain/sending/send-request.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';
import type { CouponStore } from '../../ports/journeys/coupons.js';
import type { ShopSending } from '../../ports/sending/messaging.js';
import type { ConversionWriter, SendRecordReader } from '../../ports/sending/send-records.js';
import { type RedeemCouponDeps, redeemOrderCoupon } from '../journeys/coupons.js';

export interface AttributeOrdersDeps {
  profiles: Pick<ProfileStore, 'findOwners' | 'getProfiles' | 'getArchivedOrders'>;
  sendRecords: Pick<SendRecordReader, 'get' | 'ofCustomer'>;
  conversions: ConversionWriter;
  /** The codes huitou issued: the send an order's code credits, and its redemption. */
  coupons: CouponStore;
  onCouponRefused?: RedeemCouponDeps['onRefused'];
  shopSettings: (shopId: string) => Promise<ShopSettings>;
  /** The shop's sending settings, the one place its attribution window is set (PUT /v1/settings/sending). */
  sendingSettings: (shopId: string) => Promise<Pick<ShopSending, 'attributionWindow'>>;
  onFailure?: (error: unknown, orderId: string) => void;
}

const dayMs = 86_400_000;

/** The events that may complete a paid order: its placement or its payment, in whichever order they came. */
function completedOrderOf(event: StoredEvent): string | null {
  return event.type === 'order_placed' || event.type === 'order_paid' ? event.properties.orderId : null;
}

/** The events that give some or all of an order back: its cancellation and its refunds. */
function returnedOrderOf(event: StoredEvent): string | null {
  return event.type === 'order_cancelled' || event.type === 'order_refunded'
    ? event.properties.orderId
    : null;
}

const orderIdOf = (event: StoredEvent) => completedOrderOf(event) ?? returnedOrderOf(event);

/** The customer each event names now (following merges), with their profile, in a few batched reads. */
async function customersOf(
  profiles: AttributeOrdersDeps['profiles'],
  shopId: string,
  events: StoredEvent[],
): Promise<Array<Profile | undefined>> {
  const changes: CustomerChange[] = events.map((e) => ({
    customerId: e.customerId,
    identities: identitiesOf(e),
    events: [e],
  }));
  const identities = [...new Set(changes.flatMap((c) => c.identities.map(identityKey)))];
  const owners =
    identities.length > 0 ? await profiles.findOwners(shopId, identities) : new Map<string, string>();
  const known = new Map<string, StoredProfile>();
  let wanted = [...new Set(changes.flatMap((c) => namedIds(c, owners)))];
  for (let hop = 0; hop <= maxMergeHops && wanted.length > 0; hop++) {
    const found = await profiles.getProfiles(shopId, wanted);
    for (const [id, p] of found) known.set(id, p);
    wanted = [...found.values()].flatMap((p) =>
      p.mergedInto && !known.has(p.mergedInto) ? [p.mergedInto] : [],
    );
  }
  return changes.map((c) => known.get(resolve(shopId, c, { owners, profiles: known }).survivorId)?.profile);
}

/**
 * A paid order as attribution needs it, from the customer's order facts; null until it is both placed
 * and paid, and for an order that no longer stands (cancelled, or refunded in full).
 */
function paidOrder(orderId: string, facts: OrderFacts | undefined) {
  if (!facts?.placedAt || !facts.paidAt || facts.total === undefined) return null;
  const total = fromMinorUnits(facts.total);
  const returns = returnsOf(facts);
  const returned = returns ? returnedFor(total, returns) : undefined;
  if (returns?.cancelled || (returned !== undefined && returned >= total)) return null;
  return {
    orderId,
    placedAt: facts.placedAt,
    total,
    /** What the order came to before its discount, which a coupon's minimum is checked on. */
    beforeDiscount: fromMinorUnits(facts.total + (facts.discount ?? 0)),
    ...(facts.currency === undefined ? {} : { currency: facts.currency }),
    ...(facts.couponCode === undefined ? {} : { couponCode: facts.couponCode }),
    ...(returned === undefined ? {} : { returned }),
  };
}

/** The customer's own ids: theirs, and those merged into them (whose sends and orders are theirs now). */
const ownIds = (profile: Profile) => [profile.customerId, ...profile.mergedFrom];

/**
 * The records an order may have converted: the customer's sends (under any of their ids) in the
 * look-back before it was placed, and the send that issued the coupon it carries (which may be older).
 */
async function recordsBefore(
  deps: AttributeOrdersDeps,
  shopId: string,
  profile: Profile,
  order: { placedAt: string; couponCode?: string },
  window: AttributionWindow,
) {
  const from = new Date(Date.parse(order.placedAt) - lookbackDaysOf(window) * dayMs).toISOString();
  const records: SendRecord[] = (
    await Promise.all(
      ownIds(profile).map((id) => deps.sendRecords.ofCustomer(shopId, id, from, order.placedAt)),
    )
  ).flat();
  const issue = order.couponCode ? await deps.coupons.couponOf(shopId, order.couponCode) : null;
  const issuer = issue ? await deps.sendRecords.get(shopId, issue.sendId) : null;
  if (issuer && !records.some((r) => r.sendId === issuer.sendId)) records.push(issuer);
  return { records, issue };
}

/** The order's facts from the profile, or from its own item once it has been moved out (under any of the customer's ids). */
async function factsOf(deps: AttributeOrdersDeps, profile: Profile, orderId: string) {
  const inside = profile.activity.orders[orderId];
  if (inside) return inside;
  const archived = await deps.profiles.getArchivedOrders(
    profile.shopId,
    ownIds(profile).map((customerId) => ({ customerId, orderId })),
  );
  return ownIds(profile)
    .map((id) => archived.get(id)?.get(orderId))
    .find((facts) => facts !== undefined);
}

interface ShopContext {
  shopId: string;
  settings: ShopSettings;
  window: AttributionWindow;
}

/**
 * An order completed (placed and paid): what it converts is recorded, once per send, and the coupon
 * it carries is marked redeemed by it (unless `redeem` is off: a second look at an order whose
 * redemption was settled when it completed).
 */
async function completeOrder(
  deps: AttributeOrdersDeps,
  shop: ShopContext,
  profile: Profile,
  orderId: string,
  redeem = true,
): Promise<void> {
  const order = paidOrder(orderId, profile.activity.orders[orderId]);
  if (!order) return;
  const { records, issue } = await recordsBefore(deps, shop.shopId, profile, order, shop.window);
  const { beforeDiscount, ...paid } = order;
  const marks = conversionsOfOrder(
    { ...paid, customerId: profile.customerId, formerIds: profile.mergedFrom },
    records,
    shop.window,
  );
  for (const mark of marks)
    await deps.conversions.recordConversion(shop.shopId, mark.sendId, mark.conversion);
  if (issue && redeem)
    await redeemOrderCoupon(
      { coupons: deps.coupons, ...(deps.onCouponRefused && { onRefused: deps.onCouponRefused }) },
      shop.settings,
      issue,
      { orderId, customerId: profile.customerId, total: beforeDiscount, placedAt: order.placedAt },
    );
}

/**
 * Primary course, after the stream has applied a batch: for every order the batch completed (placed
 * and paid, whichever came last), read the customer's sends before it and the send that issued its
 * coupon, and record what the order converts (see conversionsOfOrder); then mark that coupon
 * redeemed by the order (redeemOrderCoupon). An order cancelled or refunded is revised on the records
 * it converted (reviseReturned). Conversions and redemptions are written once, so a replayed batch
 * changes nothing. Returns the ids of events whose order could not be attributed or revised, for
 * the stream to retry.
 */
export async function attributeOrders(
  deps: AttributeOrdersDeps,
  events: StoredEvent[],
  /** The customer each event was applied to, as the stream just committed them (by event id): not read again. */
  applied: ReadonlyMap<string, Profile> = new Map(),
): Promise<Set<string>> {
  const failed = new Set<string>();
  const byShop = new Map<string, StoredEvent[]>();
  for (const e of events) if (orderIdOf(e)) byShop.set(e.shopId, [...(byShop.get(e.shopId) ?? []), e]);
  for (const [shopId, orderEvents] of byShop) {
    try {
      const [settings, sending] = await Promise.all([
        deps.shopSettings(shopId),
        deps.sendingSettings(shopId),
      ]);
      const shop: ShopContext = {
        shopId,
        settings,
        window: sending.attributionWindow ?? defaultAttributionWindow,
      };
      const unknown = orderEvents.filter((e) => !applied.has(e.id));
      const read = unknown.length > 0 ? await customersOf(deps.profiles, shopId, unknown) : [];
      const readOf = new Map(unknown.map((e, i) => [e.id, read[i]]));
      const customers = orderEvents.map((e) => applied.get(e.id) ?? readOf.get(e.id));
      const done = new Set<string>();
      for (const [i, event] of orderEvents.entries()) {
        const orderId = orderIdOf(event) as string;
        const profile = customers[i];
        const returning = returnedOrderOf(event) !== null;
        const key = `${returning ? 'returned' : 'completed'}:${orderId}`;
        if (!profile || done.has(key)) continue;
        done.add(key);
        try {
          if (returning) await reviseReturned(deps, shop, profile, orderId);
          else await completeOrder(deps, shop, profile, orderId);
        } catch (error) {
          for (const e of orderEvents) if (orderIdOf(e) === orderId) failed.add(e.id);
          deps.onFailure?.(error, orderId);
        }
      }
    } catch (error) {
      for (const e of orderEvents) failed.add(e.id);
      deps.onFailure?.(error, '(batch)');
    }
  }
  return failed;
}

/**
 * Alternate course, an order cancelled or refunded after it was paid: every record it converted is
 * told what of it went back (all of it once cancelled), so reports count what the order still brings
 * and a cancelled order not at all. Written as an amount, not added to, so a replayed batch changes
 * nothing. An order that no longer stands frees the sends it held: the customer's other orders are
 * looked at again, in the order they were placed, so a later order gets what it would have got had
 * the two come the other way round.
 */
async function reviseReturned(
  deps: AttributeOrdersDeps,
  shop: ShopContext,
  profile: Profile,
  orderId: string,
): Promise<void> {
  const facts = await factsOf(deps, profile, orderId);
  // Only a placed and paid order was ever attributed.
  if (!facts?.placedAt || !facts.paidAt || facts.total === undefined) return;
  const returns = returnsOf(facts);
  if (!returns) return;
  const { records } = await recordsBefore(
    deps,
    shop.shopId,
    profile,
    { placedAt: facts.placedAt, ...(facts.couponCode === undefined ? {} : { couponCode: facts.couponCode }) },
    shop.window,
  );
  let freed = false;
  for (const { sendId, returned } of revisionsOfOrder(orderId, returns, records)) {
    await deps.conversions.reviseConversion(shop.shopId, sendId, orderId, returned);
    const revenue = records.find((r) => r.sendId === sendId)?.conversion?.revenue ?? 0;
    freed ||= returned >= revenue;
  }
  if (!freed) return;
  const others = Object.entries(profile.activity.orders)
    .filter(([id, o]) => id !== orderId && o.placedAt !== undefined)
    .sort(([, a], [, b]) => ((a.placedAt as string) < (b.placedAt as string) ? -1 : 1));
  for (const [other] of others) await completeOrder(deps, shop, profile, other, false);
}
