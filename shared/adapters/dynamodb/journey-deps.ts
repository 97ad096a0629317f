import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { TickDeps } from '../../use-cases/journeys/run-due-steps.js';
import { enabledJourneysCache } from '../cache/journey-cache.js';
import { perShopCache } from '../cache/per-shop-cache.js';
import { SqsSendRequestQueue } from '../sqs/send-request-queue.js';
import { DynamoContactHistory } from './contact-history.js';
import { DynamoDueIndex } from './due-step-store.js';
import { DynamoJourneyRateCounter } from './journey-rate-counter.js';
import { DynamoJourneyInstanceStore, DynamoJourneyStore } from './journey-store.js';
import { DynamoProfileStore } from './profile-store.js';
import { DynamoRefreshResultStore } from './refresh-result-store.js';

/** The journey runtime's adapters, as the stream handler and the due-steps runner both build them. */
export function journeyRuntimeDeps(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  sqs: SQSClient;
  sendQueueUrl: string;
  clock: () => Date;
  shopSettings: (shopId: string) => Promise<ShopSettings>;
}): TickDeps {
  const { doc, tableName, clock } = options;
  const journeys = new DynamoJourneyStore(doc, tableName);
  const instances = new DynamoJourneyInstanceStore(doc, tableName);
  const results = new DynamoRefreshResultStore(doc, tableName);
  return {
    journeys,
    enabled: enabledJourneysCache(journeys, clock),
    instances,
    due: new DynamoDueIndex(doc, tableName),
    sends: new SqsSendRequestQueue(options.sqs, options.sendQueueUrl),
    contacts: new DynamoContactHistory(doc, tableName),
    rates: new DynamoJourneyRateCounter(doc, tableName),
    // Refitted nightly: a minute's cache per shop.
    model: perShopCache((shopId) => results.getModel(shopId), clock),
    profiles: new DynamoProfileStore(doc, tableName, clock),
    clock,
    shopSettings: options.shopSettings,
  };
}
