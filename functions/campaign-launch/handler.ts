import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { launchDeps } from '../../shared/adapters/dynamodb/campaign-deps.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { parseBody } from '../../shared/http/responses.js';
import { observability } from '../../shared/observability.js';
import { runLaunchTask } from '../../shared/use-cases/campaigns/run-campaign.js';

const { logger, tracer } = observability('campaign-launch');
const config = loadConfig();
if (!config.CAMPAIGN_QUEUE_URL || !config.SEND_QUEUE_URL)
  throw new Error('CAMPAIGN_QUEUE_URL and SEND_QUEUE_URL are required');
const deps = launchDeps(
  createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
  config.TABLE_NAME,
  tracer.captureAWSv3Client(new SQSClient({})),
  { campaign: config.CAMPAIGN_QUEUE_URL, send: config.SEND_QUEUE_URL },
  now,
);

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

const processor = new BatchProcessor(EventType.SQS);

/** One campaign page a message; a failed page goes back to the queue and, after three tries, to its DLQ. */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const report = await runLaunchTask(deps, parseBody(taskSchema, JSON.parse(record.body)));
      logger.info('Campaign task', { ...report });
    },
    processor,
    { context },
  ),
).use(injectLambdaContext(logger, { resetKeys: true }));
