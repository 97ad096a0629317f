import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { refreshDepsFromEnvironment } from '../../shared/adapters/dynamodb/refresh-deps.js';
import { now } from '../../shared/clock.js';
import { parseBody } from '../../shared/http/responses.js';
import { observability } from '../../shared/observability.js';
import { runRefreshTask } from '../../shared/use-cases/segments/refresh-segments.js';

const { logger, tracer } = observability('segment-refresh-worker');
// Segment moves go to the shop's journeys before they are committed (refresh-segments.ts).
const deps = refreshDepsFromEnvironment((client) => tracer.captureAWSv3Client(client), now, {
  journeys: {
    onFailure: (error, customerId) =>
      logger.error('Could not run journeys on segment moves', { customerId, error: error as Error }),
  },
});

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
