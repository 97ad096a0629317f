import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { shopSettingsCache } from '../../shared/adapters/cache/shop-settings-cache.js';
import { launchDeps } from '../../shared/adapters/dynamodb/campaign-deps.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { holidayPageDeps } from '../../shared/adapters/dynamodb/holiday-deps.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { parseBody } from '../../shared/http/responses.js';
import { observability } from '../../shared/observability.js';
import { runLaunchTask } from '../../shared/use-cases/campaigns/run-campaign.js';
import { runHolidayPage } from '../../shared/use-cases/journeys/holidays.js';

const { logger, tracer } = observability('campaign-launch');
const config = loadConfig();
if (!config.CAMPAIGN_QUEUE_URL || !config.SEND_QUEUE_URL)
  throw new Error('CAMPAIGN_QUEUE_URL and SEND_QUEUE_URL are required');
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const sqs = tracer.captureAWSv3Client(new SQSClient({}));
const deps = launchDeps(
  doc,
  config.TABLE_NAME,
  sqs,
  { campaign: config.CAMPAIGN_QUEUE_URL, send: config.SEND_QUEUE_URL },
  now,
);
const holidays = {
  ...holidayPageDeps({
    doc,
    tableName: config.TABLE_NAME,
    sqs,
    sendQueueUrl: config.SEND_QUEUE_URL,
    campaignQueueUrl: config.CAMPAIGN_QUEUE_URL,
    clock: now,
    shopSettings: shopSettingsCache(new DynamoShopStore(doc, config.TABLE_NAME), now),
  }),
  onFailure: (error: unknown, customerId: string) =>
    logger.error('Could not run holiday care', { customerId, error: error as Error }),
};

const member = z.object({
  customerId: z.string().min(1),
  fit: z.object({ threshold: z.number(), reward: z.number().optional(), gap: z.number() }).optional(),
});

const taskSchema = z.object({
  shopId: z.string().min(1),
  campaignId: z.string().min(1),
  occurrence: z.string().min(1),
  startedAt: z.iso.datetime({ offset: true }),
  page: z.union([
    z.object({ cursor: z.string().optional(), number: z.number().int().min(0) }),
    z.object({ customers: z.array(member) }),
  ]),
});

/** A page of a holiday's fan-out (holidays.ts), which shares this queue and worker. */
const holidayTaskSchema = z.object({
  kind: z.literal('holiday'),
  shopId: z.string().min(1),
  event: z.object({
    id: z.string().min(1),
    type: z.literal('holiday'),
    occurredAt: z.iso.datetime({ offset: true }),
    properties: z.record(z.string(), z.unknown()),
  }),
  shard: z.number().int().min(0),
  cursor: z.string().min(1).optional(),
  page: z.number().int().min(0),
});

const processor = new BatchProcessor(EventType.SQS);

/**
 * One page a message, of a campaign run or of a holiday's fan-out; a failed page goes back to the
 * queue and, after three tries, to its DLQ.
 */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const body = JSON.parse(record.body);
      if (body?.kind === 'holiday') {
        const report = await runHolidayPage(holidays, parseBody(holidayTaskSchema, body));
        logger.info('Holiday task', { ...report });
        return;
      }
      const report = await runLaunchTask(deps, parseBody(taskSchema, body));
      logger.info('Campaign task', { ...report });
    },
    processor,
    { context },
  ),
).use(injectLambdaContext(logger, { resetKeys: true }));
