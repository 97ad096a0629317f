import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { now } from '../../clock.js';
import { eventExpiry } from '../../domain/customers/profile.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { ImportDeps } from '../../use-cases/intake/import-history.js';
import { DynamoEventStore } from './event-store.js';
import { DynamoProfileStore } from './profile-store.js';

/** What an import of one shop's history writes to: its events (with the shop's expiry) and its customers. */
export function importDeps(doc: DynamoDBDocumentClient, tableName: string, shop: ShopSettings): ImportDeps {
  return {
    events: new DynamoEventStore(doc, tableName, (e) => eventExpiry(e, shop)),
    customers: { profiles: new DynamoProfileStore(doc, tableName, now), clock: now },
  };
}
