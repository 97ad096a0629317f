import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { refreshDeps } from '../../shared/adapters/dynamodb/refresh-deps.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { parseBody } from '../../shared/http/responses.js';
import { observability } from '../../shared/observability.js';
import { runRefreshTask } from '../../shared/use-cases/segments/refresh-segments.js';

const { logger, tracer } = observability('segment-refresh-worker');
const config = loadConfig();
if (!config.REFRESH_QUEUE_URL) throw new Error('REFRESH_QUEUE_URL is required');
const deps = refreshDeps(
  createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
  config.TABLE_NAME,
  tracer.captureAWSv3Client(new SQSClient({})),
  config.REFRESH_QUEUE_URL,
  now,
);

const taskSchema = z.object({
  shopId: z.string().min(1),
  runId: z.string().min(1),
  phase: z.enum(['sketch', 'apply']),
  shard: z.number().int().min(0),
});

const processor = new BatchProcessor(EventType.SQS);

/** One shard task per message; a failed task goes back to the queue and, after three tries, to its DLQ. */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const report = await runRefreshTask(deps, parseBody(taskSchema, JSON.parse(record.body)));
      logger.info('Refresh task', { ...report });
    },
    processor,
    { context },
  ),
).use(injectLambdaContext(logger, { resetKeys: true }));
