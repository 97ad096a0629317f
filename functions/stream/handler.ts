import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { perShopCache } from '../../shared/adapters/cache/per-shop-cache.js';
import { shopSettingsCache } from '../../shared/adapters/cache/shop-settings-cache.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { customerChangeDeps } from '../../shared/adapters/dynamodb/customer-change-deps.js';
import { journeyRuntimeDeps } from '../../shared/adapters/dynamodb/journey-deps.js';
import { DynamoSendRecordStore } from '../../shared/adapters/dynamodb/send-record-store.js';
import { DynamoShopSendingStore } from '../../shared/adapters/dynamodb/shop-sending-store.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { eventOfRecord } from '../../shared/adapters/dynamodb/stream-records.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import type { StoredEvent } from '../../shared/domain/customers/events.js';
import type { Profile } from '../../shared/domain/customers/profile.js';
import { observability } from '../../shared/observability.js';
import { applyNewEvents } from '../../shared/use-cases/customers/apply-events.js';
import { feedStoredEvents } from '../../shared/use-cases/journeys/feed-events.js';
import { attributeOrders } from '../../shared/use-cases/sending/attribute-orders.js';

const { logger, tracer } = observability('stream');
const config = loadConfig();
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const shopSettings = shopSettingsCache(new DynamoShopStore(doc, config.TABLE_NAME), now);
const sendRecords = new DynamoSendRecordStore(doc, config.TABLE_NAME);
const shopSending = new DynamoShopSendingStore(doc, config.TABLE_NAME);
const sendingSettings = perShopCache((shopId) => shopSending.get(shopId), now);
if (!config.SEND_QUEUE_URL) throw new Error('SEND_QUEUE_URL is required');
const journeys = {
  ...journeyRuntimeDeps({
    doc,
    tableName: config.TABLE_NAME,
    sqs: tracer.captureAWSv3Client(new SQSClient({})),
    sendQueueUrl: config.SEND_QUEUE_URL,
    clock: now,
    shopSettings,
  }),
  onFailure: (error: unknown, customerId: string) =>
    logger.error('Could not run journeys', { customerId, error: error as Error }),
};
const changes = customerChangeDeps(doc, config.TABLE_NAME, now, (shopId) => journeys.enabled(shopId));
const { profiles } = changes;

/**
 * New events in, profiles out. Records whose customer could not be committed are reported as
 * batch item failures; Lambda retries from the first of them, and records already applied are
 * recognised by their applied mark, so a retry never counts anything twice.
 */
export const handler = middy(async (stream: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const parsed: Array<{ sequence: string; event: StoredEvent }> = [];
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of stream.Records) {
    const sequence = record.dynamodb?.SequenceNumber ?? '';
    try {
      parsed.push({ sequence, event: eventOfRecord(record) });
    } catch (error) {
      logger.error('Unreadable event record', { eventID: record.eventID, error: error as Error });
      batchItemFailures.push({ itemIdentifier: sequence });
    }
  }
  // Each customer as just committed: attribution reads its orders from here, not from the table again.
  const applied = new Map<string, Profile>();
  const failed = await applyNewEvents(
    {
      ...changes,
      shopSettings,
      onFailure: (error, events) => logger.error('Could not apply events', { events, error: error as Error }),
      onApplied: (events, profile) => {
        for (const e of events) applied.set(e.id, profile);
      },
    },
    parsed.map((p) => p.event),
  );
  // Then into journeys; a retry of the batch applies nothing twice, to profiles or to journeys.
  const journeyFailed = await feedStoredEvents(
    journeys,
    parsed.map((p) => p.event),
    failed,
  );
  // Orders completed by this batch are credited to the send that brought them, once each.
  const attributionFailed = await attributeOrders(
    {
      profiles,
      sendRecords,
      conversions: sendRecords,
      coupons: sendRecords,
      shopSettings,
      sendingSettings,
      onFailure: (error, orderId) =>
        logger.error('Could not attribute an order', { orderId, error: error as Error }),
      // A code the shop's checkout let through although it was not this order's to use.
      onCouponRefused: (refusal) => logger.warn('Order carried a coupon it may not use', refusal),
    },
    parsed.map((p) => p.event).filter((e) => !failed.has(e.id)),
    applied,
  );
  for (const p of parsed)
    if (failed.has(p.event.id) || journeyFailed.has(p.event.id) || attributionFailed.has(p.event.id))
      batchItemFailures.push({ itemIdentifier: p.sequence });
  return { batchItemFailures };
}).use(injectLambdaContext(logger, { resetKeys: true }));
