import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../config.js';
import type { RefreshDeps } from '../../use-cases/segments/refresh-segments.js';
import { SqsRefreshQueue } from '../sqs/refresh-queue.js';
import { createDocumentClient } from './client.js';
import { DynamoRefreshResultStore } from './refresh-result-store.js';
import { DynamoRefreshRunStore } from './refresh-run-store.js';
import { DynamoSegmentDefinitionStore } from './segment-definition-store.js';
import { DynamoSegmentStore } from './segment-store.js';
import { DynamoShopStore } from './shop-store.js';

/** The segment refresh's ports on DynamoDB and SQS: the start and the worker compose the same. */
export function refreshDeps(
  doc: DynamoDBDocumentClient,
  tableName: string,
  sqs: SQSClient,
  queueUrl: string,
  clock: () => Date,
): RefreshDeps {
  return {
    shops: new DynamoShopStore(doc, tableName),
    segments: new DynamoSegmentStore(doc, tableName),
    definitions: new DynamoSegmentDefinitionStore(doc, tableName),
    results: new DynamoRefreshResultStore(doc, tableName),
    runs: new DynamoRefreshRunStore(doc, tableName),
    queue: new SqsRefreshQueue(sqs, queueUrl),
    clock,
  };
}

/** The same, from the function's environment; `capture` wraps each AWS client (X-Ray). */
export function refreshDepsFromEnvironment(capture: <C>(client: C) => C, clock: () => Date): RefreshDeps {
  const config = loadConfig();
  if (!config.REFRESH_QUEUE_URL) throw new Error('REFRESH_QUEUE_URL is required');
  return refreshDeps(
    createDocumentClient(capture(new DynamoDBClient({}))),
    config.TABLE_NAME,
    capture(new SQSClient({})),
    config.REFRESH_QUEUE_URL,
    clock,
  );
}
