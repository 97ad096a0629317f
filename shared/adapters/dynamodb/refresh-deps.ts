import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../config.js';
import type { FeedDeps } from '../../use-cases/journeys/feed-events.js';
import type { RefreshDeps } from '../../use-cases/segments/refresh-segments.js';
import { shopSettingsCache } from '../cache/shop-settings-cache.js';
import { SqsRefreshQueue } from '../sqs/refresh-queue.js';
import { createDocumentClient } from './client.js';
import { customerChangeDeps } from './customer-change-deps.js';
import { journeyRuntimeDeps } from './journey-deps.js';
import { DynamoRefreshResultStore } from './refresh-result-store.js';
import { DynamoRefreshRunStore } from './refresh-run-store.js';
import { DynamoSegmentDefinitionStore } from './segment-definition-store.js';
import { DynamoSegmentStore } from './segment-store.js';
import { DynamoShopStore } from './shop-store.js';

/**
 * The segment refresh's ports on DynamoDB and SQS: the start and the worker compose the same. With
 * a send queue, the segment moves the worker makes are fed to the shop's journeys, which send.
 */
export function refreshDeps(
  doc: DynamoDBDocumentClient,
  tableName: string,
  sqs: SQSClient,
  queueUrl: string,
  clock: () => Date,
  journeys?: { sendQueueUrl: string; onFailure?: FeedDeps['onFailure'] },
): RefreshDeps {
  const shops = new DynamoShopStore(doc, tableName);
  const definitions = new DynamoSegmentDefinitionStore(doc, tableName);
  const runtime =
    journeys &&
    journeyRuntimeDeps({
      doc,
      tableName,
      sqs,
      sendQueueUrl: journeys.sendQueueUrl,
      clock,
      shopSettings: shopSettingsCache(shops, clock),
    });
  return {
    shops,
    segments: new DynamoSegmentStore(doc, tableName),
    definitions,
    results: new DynamoRefreshResultStore(doc, tableName),
    runs: new DynamoRefreshRunStore(doc, tableName),
    queue: new SqsRefreshQueue(sqs, queueUrl),
    clock,
    ...(journeys &&
      runtime && {
        journeys: { ...runtime, onFailure: journeys.onFailure },
        // A re-tier is a customer change like the stream's.
        customers: customerChangeDeps(doc, tableName, clock, runtime.enabled),
      }),
  };
}

/**
 * The same, from the function's environment; `capture` wraps each AWS client (X-Ray). `journeys`:
 * the worker feeds segment moves to journeys and needs the send queue; the start does not.
 */
export function refreshDepsFromEnvironment(
  capture: <C>(client: C) => C,
  clock: () => Date,
  options: { journeys?: { onFailure?: FeedDeps['onFailure'] } } = {},
): RefreshDeps {
  const config = loadConfig();
  if (!config.REFRESH_QUEUE_URL) throw new Error('REFRESH_QUEUE_URL is required');
  if (options.journeys && !config.SEND_QUEUE_URL) throw new Error('SEND_QUEUE_URL is required');
  return refreshDeps(
    createDocumentClient(capture(new DynamoDBClient({}))),
    config.TABLE_NAME,
    capture(new SQSClient({})),
    config.REFRESH_QUEUE_URL,
    clock,
    options.journeys && config.SEND_QUEUE_URL
      ? { ...options.journeys, sendQueueUrl: config.SEND_QUEUE_URL }
      : undefined,
  );
}
