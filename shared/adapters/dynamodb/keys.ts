import { createHash } from 'node:crypto';

/**
 * Key layout of the data table (see infra/wiring.ts). Every shop-owned key starts with SHOP#<id>#,
 * so nothing one shop reads can name another shop's item.
 */

export const customerShards = 16;

export const keys = {
  shop: (shopId: string) => ({ pk: `SHOP#${shopId}`, sk: 'SETTINGS' }),
  shopListing: () => 'SHOPS',
  apiKey: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  apiKeyListing: (shopId: string) => `SHOP#${shopId}#APIKEYS`,
  rate: (shopId: string, epochSecond: number) => ({ pk: `SHOP#${shopId}#RATE#${epochSecond}`, sk: 'RATE' }),
  profile: (shopId: string, customerId: string) => ({ pk: customerPk(shopId, customerId), sk: 'PROFILE' }),
  identity: (shopId: string, identity: string) => ({
    pk: `SHOP#${shopId}#IDENTITY#${identity}`,
    sk: 'IDENTITY',
  }),
  event: (shopId: string, eventId: string) => ({ pk: `SHOP#${shopId}#EVENT#${eventId}`, sk: 'EVENT' }),
  merge: (shopId: string, survivorId: string, at: string, mergedId: string) => ({
    pk: customerPk(shopId, survivorId),
    sk: `MERGE#${at}#${mergedId}`,
  }),
  /** byOwner index: the customer's timeline. */
  timeline: (shopId: string, customerId: string, occurredAt: string, eventId: string) => ({
    gsi1pk: customerPk(shopId, customerId),
    gsi1sk: `${occurredAt}#${eventId}`,
  }),
  /** byValue index: shop customers spread over shards, ordered by average order value. */
  value: (shopId: string, customerId: string, averageOrderValue: number) => ({
    gsi2pk: valueShardPk(shopId, shardOf(customerId)),
    gsi2sk: `${String(Math.max(0, Math.round(averageOrderValue))).padStart(13, '0')}#${customerId}`,
  }),
};

export const eventSortKey = 'EVENT';

export function customerPk(shopId: string, customerId: string): string {
  return `SHOP#${shopId}#CUST#${customerId}`;
}

export function valueShardPk(shopId: string, shard: number): string {
  return `SHOP#${shopId}#AOV#${shard}`;
}

export function shardOf(customerId: string): number {
  return createHash('sha1').update(customerId).digest().readUInt16BE(0) % customerShards;
}
