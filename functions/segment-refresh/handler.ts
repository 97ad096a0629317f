import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { holidayTickDeps } from '../../shared/adapters/dynamodb/holiday-deps.js';
import { refreshDepsFromEnvironment } from '../../shared/adapters/dynamodb/refresh-deps.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { parseBody } from '../../shared/http/responses.js';
import { observability } from '../../shared/observability.js';
import { startHolidayRuns } from '../../shared/use-cases/journeys/holidays.js';
import { startRefreshes } from '../../shared/use-cases/segments/refresh-segments.js';

const { logger, tracer } = observability('segment-refresh');
const deps = refreshDepsFromEnvironment((client) => tracer.captureAWSv3Client(client), now);
const config = loadConfig();
if (!config.CAMPAIGN_QUEUE_URL) throw new Error('CAMPAIGN_QUEUE_URL is required');
// Holiday care starts on this tick too (why the hourly one: shared/use-cases/journeys/holidays.ts).
const holidays = {
  ...holidayTickDeps({
    doc: createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
    tableName: config.TABLE_NAME,
    sqs: tracer.captureAWSv3Client(new SQSClient({})),
    campaignQueueUrl: config.CAMPAIGN_QUEUE_URL,
    clock: now,
  }),
  onFailure: (shopId: string, error: unknown) =>
    logger.error('Could not start holiday care; the next tick tries again', {
      shopId,
      error: error as Error,
    }),
};

/** A manual fire names shops, and may compute as of another instant (demos, backtests). */
const detailSchema = z.object({
  shopIds: z.array(z.string().min(1)).min(1).optional(),
  asOf: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Hourly tick: starts the refresh of every shop at its 02:00 (the worker runs the shards), and the
 * holidays whose time came (the campaign worker runs their pages). A manual fire is a refresh only.
 */
export const handler = middy(async (event: ScheduledEvent<unknown>) => {
  const detail = parseBody(detailSchema, event.detail ?? {});
  const runs = await startRefreshes(deps, detail);
  logger.info('Segment refreshes started', { runs: runs.map((r) => `${r.shopId}/${r.runId}`) });
  const started = detail.shopIds ? [] : await startHolidayRuns(holidays, now());
  if (started.length > 0) logger.info('Holiday care started', { holidays: started });
  // `reports` and `queued` let the local clock wait for the queued tasks before it moves on.
  return { reports: runs, queued: started.reduce((n, h) => n + h.tasks, 0) };
}).use(injectLambdaContext(logger, { resetKeys: true }));
