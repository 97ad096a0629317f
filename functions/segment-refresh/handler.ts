import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { refreshDeps } from '../../shared/adapters/dynamodb/refresh-deps.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { parseBody } from '../../shared/http/responses.js';
import { observability } from '../../shared/observability.js';
import { startRefreshes } from '../../shared/use-cases/segments/refresh-segments.js';

const { logger, tracer } = observability('segment-refresh');
const config = loadConfig();
if (!config.REFRESH_QUEUE_URL) throw new Error('REFRESH_QUEUE_URL is required');
const deps = refreshDeps(
  createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
  config.TABLE_NAME,
  tracer.captureAWSv3Client(new SQSClient({})),
  config.REFRESH_QUEUE_URL,
  now,
);

/** A manual fire names shops, and may compute as of another instant (demos, backtests). */
const detailSchema = z.object({
  shopIds: z.array(z.string().min(1)).min(1).optional(),
  asOf: z.iso.datetime({ offset: true }).optional(),
});

/** Hourly tick: starts the refresh of every shop at its 02:00; the worker runs the shards. */
export const handler = middy(async (event: ScheduledEvent<unknown>) => {
  const runs = await startRefreshes(deps, parseBody(detailSchema, event.detail ?? {}));
  logger.info('Segment refreshes started', { runs: runs.map((r) => `${r.shopId}/${r.runId}`) });
  // `reports` lets the local clock wait for the queued shards before it moves on.
  return { reports: runs };
}).use(injectLambdaContext(logger, { resetKeys: true }));
