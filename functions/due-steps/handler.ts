import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { shopSettingsCache } from '../../shared/adapters/cache/shop-settings-cache.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { journeyRuntimeDeps } from '../../shared/adapters/dynamodb/journey-deps.js';
import { minuteStart } from '../../shared/adapters/dynamodb/keys.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { observability } from '../../shared/observability.js';
import type { DuePointer } from '../../shared/ports/journeys/due-index.js';
import { runDueSteps } from '../../shared/use-cases/journeys/run-due-steps.js';

const { logger, tracer } = observability('due-steps');
const config = loadConfig();
if (!config.SEND_QUEUE_URL) throw new Error('SEND_QUEUE_URL is required');
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const deps = {
  ...journeyRuntimeDeps({
    doc,
    tableName: config.TABLE_NAME,
    sqs: tracer.captureAWSv3Client(new SQSClient({})),
    sendQueueUrl: config.SEND_QUEUE_URL,
    clock: now,
    shopSettings: shopSettingsCache(new DynamoShopStore(doc, config.TABLE_NAME), now),
  }),
  onShardFailure: (shard: number, error: unknown) =>
    logger.error('Due shard failed; its cursor stays for the next tick', { shard, error: error as Error }),
  // Retried with growing pauses; given up after a day, an error to look at (the customer's steps wait).
  onCustomerFailure: (pointers: DuePointer[], error: unknown, retryAt: string | null) => {
    const first = pointers[0];
    const facts = { shopId: first?.shopId, customerId: first?.customerId, retryAt, error: error as Error };
    if (retryAt) logger.warn('Journey steps of a customer failed; tried again later', facts);
    else logger.error('Journey steps of a customer given up after repeated failures', facts);
  },
};

/** EventBridge's `time` is the minute the tick stands for; a manual fire without one means now. */
export const handler = middy(async (event: Partial<ScheduledEvent>) => {
  const result = await runDueSteps(deps, event.time ? new Date(event.time) : now());
  if (result.busyShards > 0) logger.info('Due steps run', { ...result });
  // The next minute with work, as an instant: the local clock jumps there (AWS fires every minute).
  return { ...result, nextDueAt: result.nextDueAt && minuteStart(result.nextDueAt).toISOString() };
}).use(injectLambdaContext(logger, { resetKeys: true }));
