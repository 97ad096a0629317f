import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoEventStore } from '../../shared/adapters/dynamodb/event-store.js';
import type { DynamoProfileStore } from '../../shared/adapters/dynamodb/profile-store.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import type { Route } from '../../shared/http/router.js';

/** What every route of the API gets: the caller's shop, resolved from its API key. */
export type ShopContext = { shop: ShopSettings };
export type ApiRoute = Route<ShopContext>;

/** The adapters the API's routes share, built once per Lambda instance by the handler. */
export interface ApiDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  profiles: DynamoProfileStore;
  eventsFor: (shop: ShopSettings) => DynamoEventStore;
  clock: () => Date;
}
