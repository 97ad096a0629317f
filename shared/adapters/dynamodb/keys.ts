import { createHash } from 'node:crypto';

/**
 * Key layout of the data table (see infra/wiring.ts), and the only place keys are spelled. Every
 * shop-owned key starts with SHOP#<id>#, so nothing one shop reads can name another shop's item.
 *
 * A customer's partition holds the customer item (PROFILE), the events that name the customer by
 * id (EV#<occurredAt>#<id>, so the timeline is a query on the table, newest first), the orders moved
 * out of the customer item (ORDER#<id>) and the merges (MERGE#…). Events that name someone by phone
 * or email alone live in that identity's partition, beside the IDENTITY item that says whose it is.
 */

export const customerShards = 16;
export const dueShards = 8;

export const keyPrefixes = {
  event: 'EV#',
  archivedOrder: 'ORDER#',
  merge: 'MERGE#',
  segmentDefinition: 'DEF#',
  refreshPart: 'PART#',
  journeyInstance: 'JOURNEY#',
  journeyHead: 'HEAD#',
  campaign: 'CAMPAIGN#',
  contact: 'CONTACT#',
} as const;

/** Set on events an import applied itself while writing them: the stream handler leaves them be. */
export const appliedByAttribute = 'appliedBy';

const customerSk = 'PROFILE';

export function customerPk(shopId: string, customerId: string): string {
  return `SHOP#${shopId}#CUST#${customerId}`;
}

export function identityPk(shopId: string, identity: string): string {
  return `SHOP#${shopId}#IDENTITY#${identity}`;
}

export function valueShardPk(shopId: string, shard: number): string {
  return `SHOP#${shopId}#AOV#${shard}`;
}

export function shardOf(id: string, shards = customerShards): number {
  return createHash('sha1').update(id).digest().readUInt16BE(0) % shards;
}

/** Who an event names: the shop's customer id, else the phone or email it carries. */
export interface EventOwner {
  customerId?: string;
  /** `phone:+86…` or `email:…` */
  identity?: string;
}

export function eventOwnerPk(shopId: string, owner: EventOwner): string {
  if (owner.customerId) return customerPk(shopId, owner.customerId);
  if (owner.identity) return identityPk(shopId, owner.identity);
  throw new Error('an event names a customer id, a phone or an email');
}

export const keys = {
  shop: (shopId: string) => ({ pk: `SHOP#${shopId}`, sk: 'SETTINGS' }),
  shopListing: () => 'SHOPS',
  apiKey: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  apiKeyListing: (shopId: string) => `SHOP#${shopId}#APIKEYS`,
  rate: (shopId: string, epochSecond: number) => ({ pk: `SHOP#${shopId}#RATE#${epochSecond}`, sk: 'RATE' }),
  /** A journey's sends in one clock minute on one of its counters (its rate limit). */
  journeyRate: (shopId: string, journeyId: string, minute: string, counter: number) => ({
    pk: `SHOP#${shopId}#JRATE#${journeyId}#${minute}#${counter}`,
    sk: 'JRATE',
  }),
  customer: (shopId: string, customerId: string) => ({ pk: customerPk(shopId, customerId), sk: customerSk }),
  identity: (shopId: string, identity: string) => ({ pk: identityPk(shopId, identity), sk: 'IDENTITY' }),
  event: (shopId: string, owner: EventOwner, occurredAt: string, eventId: string) => ({
    pk: eventOwnerPk(shopId, owner),
    sk: `${keyPrefixes.event}${occurredAt}#${eventId}`,
  }),
  archivedOrder: (shopId: string, customerId: string, orderId: string) => ({
    pk: customerPk(shopId, customerId),
    sk: `${keyPrefixes.archivedOrder}${orderId}`,
  }),
  merge: (shopId: string, survivorId: string, at: string, mergedId: string) => ({
    pk: customerPk(shopId, survivorId),
    sk: `${keyPrefixes.merge}${at}#${mergedId}`,
  }),
  tombstone: (shopId: string, tombstoneId: string) => ({
    pk: `SHOP#${shopId}#TOMBSTONE#${tombstoneId}`,
    sk: 'TOMBSTONE',
  }),
  /** byValue index: every live customer of a shop, spread over shards, by average order value band. */
  value: (shopId: string, customerId: string, averageOrderValueMinor: number) => ({
    gsi2pk: valueShardPk(shopId, shardOf(customerId)),
    gsi2sk: `${valueBandKey(valueBand(averageOrderValueMinor))}#${customerId}`,
  }),
  /**
   * The due index: small pointers to what falls due, in one partition per shard and UTC day, sorted
   * by minute, so a tick reads a shard's minutes since its cursor with one query and a busy day is
   * spread over the shards. Pointers are never deleted by the runner: TTL removes them.
   */
  dueDay: (shard: number, day: string) => `DUE#${shard}#${day}`,
  duePointer: (shard: number, at: string, shopId: string, customerId: string, ref: string) => {
    const minute = dueMinuteOf(at);
    return { pk: keys.dueDay(shard, minute.slice(0, 10)), sk: `${minute}#${shopId}#${customerId}#${ref}` };
  },
  /** Every shard's cursor in one small partition: a tick reads them all with one query. */
  /** A shard's cursor, each in its own partition: writers lowering one shard's mark never queue behind another's. */
  dueCursor: (shard: number) => ({ pk: `DUE#CURSOR#${String(shard).padStart(3, '0')}`, sk: 'CURSOR' }),
  /** A shop's journeys: heads (the enabled flag and latest definition), versions, the coupon secret. */
  journeysOfShop: (shopId: string) => `SHOP#${shopId}#JOURNEYS`,
  journeyHead: (shopId: string, journeyId: string) => ({
    pk: keys.journeysOfShop(shopId),
    sk: `${keyPrefixes.journeyHead}${journeyId}`,
  }),
  journeyVersion: (shopId: string, journeyId: string, version: number) => ({
    pk: keys.journeysOfShop(shopId),
    sk: `VER#${journeyId}#${String(version).padStart(6, '0')}`,
  }),
  /** A journey instance lives in its customer's partition, beside the profile it reads. */
  journeyInstance: (shopId: string, customerId: string, instanceId: string) => ({
    pk: customerPk(shopId, customerId),
    sk: `${keyPrefixes.journeyInstance}${instanceId}`,
  }),
  send: (shopId: string, sendId: string) => ({ pk: `SHOP#${shopId}#SEND#${sendId}`, sk: 'SEND' }),
  /**
   * A send's index entries, written once with the record and never moved by its status updates: the
   * customer's sends by request time (attribution, the contact policy), the source's sends (reports),
   * the coupon it issued. Each in a partition of its own, apart from the customer's timeline.
   */
  customerSends: (shopId: string, customerId: string) => `SHOP#${shopId}#CUST#${customerId}#SENDS`,
  customerSend: (shopId: string, customerId: string, requestedAt: string, sendId: string) => ({
    pk: keys.customerSends(shopId, customerId),
    sk: `${requestedAt}#${sendId}`,
  }),
  sourceSends: (shopId: string, sourceKind: string, sourceId: string) =>
    `SHOP#${shopId}#SOURCE#${sourceKind}#${sourceId}`,
  sourceSend: (shopId: string, sourceKind: string, sourceId: string, sendId: string) => ({
    pk: keys.sourceSends(shopId, sourceKind, sourceId),
    sk: sendId,
  }),
  /** A code's item: its send, customer, rule and validity, and `redeemedBy`, the order that used it. */
  couponSend: (shopId: string, couponCode: string) => ({
    pk: `SHOP#${shopId}#COUPON#${couponCode}`,
    sk: 'SEND',
  }),
  /** A shop's sending settings and pause state. */
  shopSending: (shopId: string) => ({ pk: `SHOP#${shopId}`, sk: 'SENDING' }),
  /** A shop's email counts per day (shop-health.ts), and the provider events already counted. */
  shopHealthDay: (shopId: string, day: string) => ({ pk: `SHOP#${shopId}#HEALTH`, sk: day }),
  shopHealthEvent: (shopId: string, eventId: string) => ({
    pk: `SHOP#${shopId}#HEALTHEV#${eventId}`,
    sk: 'EV',
  }),
  /** A shop's saved templates share one partition. */
  template: (shopId: string, templateId: string) => ({ pk: `SHOP#${shopId}#TEMPLATES`, sk: templateId }),
  /** A shop's segment definitions, its repurchase model and its refresh summaries share one partition. */
  segmentsOfShop: (shopId: string) => `SHOP#${shopId}#SEGMENTS`,
  segmentDefinition: (shopId: string, segmentId: string) => ({
    pk: keys.segmentsOfShop(shopId),
    sk: `${keyPrefixes.segmentDefinition}${segmentId}`,
  }),
  shopModel: (shopId: string) => ({ pk: keys.segmentsOfShop(shopId), sk: 'MODEL' }),
  refreshSummary: (shopId: string, which: 'latest' | 'previous') => ({
    pk: keys.segmentsOfShop(shopId),
    sk: `SUMMARY#${which}`,
  }),
  /** A segment's members, spread over the customer shards: listing k members reads about k small items. */
  segmentMembers: (shopId: string, segmentId: string, shard: number) =>
    `SHOP#${shopId}#SEG#${segmentId}#${shard}`,
  segmentMember: (shopId: string, segmentId: string, customerId: string) => ({
    pk: keys.segmentMembers(shopId, segmentId, shardOf(customerId)),
    sk: customerId,
  }),
  /** That a shop's holiday (`holiday#<id>#<day>`) was fanned out to its customers: a later tick leaves it. */
  holidayRun: (shopId: string, eventId: string) => ({
    pk: `SHOP#${shopId}#HOLIDAYRUN#${eventId}`,
    sk: 'RUN',
  }),
  /** One fan-out run of the nightly refresh: its state and the parts its workers hand over. */
  refreshRun: (shopId: string, runId: string) => ({ pk: `SHOP#${shopId}#REFRESH#${runId}`, sk: 'RUN' }),
  /** A shop's campaigns share one partition: listing them is one query. */
  campaignsOfShop: (shopId: string) => `SHOP#${shopId}#CAMPAIGNS`,
  campaign: (shopId: string, campaignId: string) => ({
    pk: keys.campaignsOfShop(shopId),
    sk: `${keyPrefixes.campaign}${campaignId}`,
  }),
  /**
   * The campaign due index: a pointer per campaign run and per group of deferred customers, in one
   * partition ordered by when it is due, so a tick reads what is due with one small query. Pointers
   * are removed as they are taken; an idle minute reads nothing but the empty range.
   */
  campaignDuePartition: () => 'CAMPAIGNS#DUE',
  campaignRunDue: (at: string, shopId: string, campaignId: string) => ({
    pk: keys.campaignDuePartition(),
    sk: `${at}#RUN#${shopId}#${campaignId}`,
  }),
  campaignDeferralDue: (at: string, shopId: string, campaignId: string, deferralId: string) => ({
    pk: keys.campaignDuePartition(),
    sk: `${at}#DEFER#${shopId}#${campaignId}#${deferralId}`,
  }),
  /** The upper bound of the due index's sort keys at an instant: everything due at or before it. */
  campaignDueUntil: (at: string) => `${at}#~`,
  /** A marketing message queued for a customer (the contact policy's history), in the customer's partition. */
  contact: (shopId: string, customerId: string, sendId: string) => ({
    pk: customerPk(shopId, customerId),
    sk: `${keyPrefixes.contact}${sendId}`,
  }),
  /** The shop's secret its coupon codes are derived with, journeys' and campaigns' alike. */
  couponSecret: (shopId: string) => ({ pk: `SHOP#${shopId}`, sk: 'COUPON_SECRET' }),
  refreshPart: (shopId: string, runId: string, part: string, chunk: number) => ({
    pk: `SHOP#${shopId}#REFRESH#${runId}`,
    sk: `PART#${part}#${String(chunk).padStart(4, '0')}`,
  }),
};

/**
 * Average order value in bands 20% wide (band 0: no paid order yet): a customer's index entry moves
 * only when the value leaves its band, not on every order, and "AOV in [60, 80)" reads the bands
 * that overlap the range, at most one band more than it returns at each end.
 */
const bandRatio = Math.log(1.2);
export function valueBand(averageOrderValueMinor: number): number {
  return averageOrderValueMinor < 1 ? 0 : Math.floor(Math.log(averageOrderValueMinor) / bandRatio) + 1;
}

export function valueBandKey(band: number): string {
  return String(band).padStart(3, '0');
}

/** The customer a byValue entry stands for, from its sort key (`<band>#<customerId>`). */
export function customerIdOfValueKey(gsi2sk: string): string {
  return gsi2sk.slice(gsi2sk.indexOf('#') + 1);
}

const minuteMs = 60_000;

/**
 * The minute (UTC, YYYY-MM-DDTHH:MM) whose tick first may fire something due at `at`: the minute
 * boundary at or after it. A tick at a boundary then takes whole minutes, all of them due.
 */
export function dueMinuteOf(at: string | Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(Math.ceil(ms / minuteMs) * minuteMs).toISOString().slice(0, 16);
}

/** The instant a minute key (`2026-11-02T08:30`, UTC) begins. */
export function minuteStart(minute: string): Date {
  return new Date(`${minute}:00Z`);
}

/** The minute key `n` minutes after a minute key. */
export function minuteAfter(minute: string, n = 1): string {
  return new Date(Date.parse(`${minute}:00Z`) + n * minuteMs).toISOString().slice(0, 16);
}
