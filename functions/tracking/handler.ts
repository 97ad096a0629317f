import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { sendingStores } from '../../shared/adapters/sending-deps.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { observability } from '../../shared/observability.js';
import { trackSesEvent } from '../../shared/use-cases/sending/tracking.js';

const { logger, tracer } = observability('tracking');
const config = loadConfig();
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const stores = sendingStores(doc, config.TABLE_NAME, now);
const deps = {
  records: stores.records,
  customerEvents: stores.customerEvents,
  sending: stores.sending,
  clock: now,
};

/** An SNS notification as the SES event topic delivers it to its SQS subscription (raw delivery off). */
const notificationSchema = z.looseObject({
  Type: z.literal('Notification'),
  MessageId: z.string(),
  Message: z.string(),
});

async function trackRecord(record: SQSRecord): Promise<void> {
  const notification = notificationSchema.parse(JSON.parse(record.body));
  const outcome = await trackSesEvent(deps, JSON.parse(notification.Message), notification.MessageId);
  logger.info('SES event', { eventId: notification.MessageId, ...outcome });
}

const processor = new BatchProcessor(EventType.SQS);

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, trackRecord, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
