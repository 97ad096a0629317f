import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { now } from '../../clock.js';
import { eventExpiry } from '../../domain/customers/profile.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';
import { DynamoEventStore } from './event-store.js';
import { DynamoProfileStore } from './profile-store.js';

/** What an import of one shop's history writes to: its events (with the shop's expiry) and its customers. */
export function importDeps(
  doc: DynamoDBDocumentClient,
  tableName: string,
  shop: ShopSettings,
): { events: EventStore; customers: { profiles: ProfileStore; clock: () => Date } } {
  return {
    events: new DynamoEventStore(doc, tableName, (e) => eventExpiry(e, shop)),
    customers: { profiles: new DynamoProfileStore(doc, tableName, now), clock: now },
  };
}
