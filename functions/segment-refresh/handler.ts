import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoSegmentStore } from '../../shared/adapters/dynamodb/segment-store.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { observability } from '../../shared/observability.js';
import { refreshDueShops } from '../../shared/use-cases/segments/refresh-segments.js';

const { logger, tracer } = observability('segment-refresh');
const config = loadConfig();
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const shops = new DynamoShopStore(doc, config.TABLE_NAME);
const segments = new DynamoSegmentStore(doc, config.TABLE_NAME);

/** Hourly tick; `detail.shopIds` (a manual fire) refreshes those shops whatever their hour. */
export const handler = middy(async (event: ScheduledEvent<{ shopIds?: string[] }>) => {
  const reports = await refreshDueShops(shops, segments, now(), event.detail?.shopIds);
  logger.info('Segments refreshed', { reports });
  return { reports };
}).use(injectLambdaContext(logger, { resetKeys: true }));
