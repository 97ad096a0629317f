import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RefreshDeps } from '../../use-cases/segments/refresh-segments.js';
import { SqsRefreshQueue } from '../sqs/refresh-queue.js';
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
