import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { refreshDepsFromEnvironment } from '../../shared/adapters/dynamodb/refresh-deps.js';
import { now } from '../../shared/clock.js';
import { parseBody } from '../../shared/http/responses.js';
import { observability } from '../../shared/observability.js';
import { startRefreshes } from '../../shared/use-cases/segments/refresh-segments.js';

const { logger, tracer } = observability('segment-refresh');
const deps = refreshDepsFromEnvironment((client) => tracer.captureAWSv3Client(client), now);

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
