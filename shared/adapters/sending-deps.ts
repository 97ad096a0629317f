import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.js';
import { eventExpiry } from '../domain/customers/profile.js';
import { NotFoundError } from '../domain/errors.js';
import type { LinkSecrets } from '../domain/sending/links.js';
import type { EventStore } from '../ports/customers/event-store.js';
import { findLive } from '../use-cases/customers/get-customer.js';
import { DynamoEventStore } from './dynamodb/event-store.js';
import { DynamoProfileStore } from './dynamodb/profile-store.js';
import { DynamoSendRecordStore } from './dynamodb/send-record-store.js';
import { DynamoShopSendingStore } from './dynamodb/shop-sending-store.js';
import { DynamoShopStore } from './dynamodb/shop-store.js';
import { DynamoTemplateStore } from './dynamodb/template-store.js';

/** The link settings of a function granted links (wiring `links`), or an error naming what is missing. */
export function linkSettingsOf(config: Config) {
  const secrets = config.LINK_SECRETS?.split(',').filter(Boolean);
  if (!secrets?.[0] || !config.LINKS_URL) throw new Error('LINK_SECRETS and LINKS_URL are required');
  const base = config.LINKS_URL.replace(/\/$/, '');
  return {
    secrets: secrets as unknown as LinkSecrets,
    clickBaseUrl: `${base}/r`,
    unsubscribeBaseUrl: `${base}/u`,
  };
}

/** The DynamoDB side of sending and tracking, for the functions that send, track and follow links. */
export function sendingStores(doc: DynamoDBDocumentClient, tableName: string, clock: () => Date) {
  const shops = new DynamoShopStore(doc, tableName);
  const profiles = new DynamoProfileStore(doc, tableName, clock);
  /** Events about customers, kept as long as the shop keeps that kind (browsing expires). */
  const customerEvents: Pick<EventStore, 'append'> = {
    async append(events) {
      const shopId = events[0]?.shopId;
      const shop = shopId ? await shops.getShop(shopId) : null;
      return new DynamoEventStore(doc, tableName, (e) => (shop ? eventExpiry(e, shop) : undefined)).append(
        events,
      );
    },
  };
  return {
    shops,
    records: new DynamoSendRecordStore(doc, tableName),
    sending: new DynamoShopSendingStore(doc, tableName),
    templates: new DynamoTemplateStore(doc, tableName),
    customerEvents,
    profiles: {
      /** The live profile (an id merged into another answers for the survivor). */
      async get(shopId: string, customerId: string) {
        try {
          return (await findLive(profiles, shopId, customerId)).profile;
        } catch (error) {
          if (error instanceof NotFoundError) return null;
          throw error;
        }
      },
    },
  };
}
