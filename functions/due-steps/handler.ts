import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoDueStepStore } from '../../shared/adapters/dynamodb/due-step-store.js';
import { SqsSendQueue } from '../../shared/adapters/sqs/send-queue.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { observability } from '../../shared/observability.js';
import { runDueSteps } from '../../shared/use-cases/journeys/run-due-steps.js';

const { logger, tracer } = observability('due-steps');
const config = loadConfig();
if (!config.SEND_QUEUE_URL) throw new Error('SEND_QUEUE_URL is required');
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const steps = new DynamoDueStepStore(doc, config.TABLE_NAME);
const queue = new SqsSendQueue(tracer.captureAWSv3Client(new SQSClient({})), config.SEND_QUEUE_URL);

/** EventBridge's `time` is the minute the tick stands for; a manual fire without one means now. */
export const handler = middy(async (event: Partial<ScheduledEvent>) => {
  const queued = await runDueSteps(steps, queue, event.time ? new Date(event.time) : now());
  if (queued > 0) logger.info('Due steps queued', { queued });
  return { queued };
}).use(injectLambdaContext(logger, { resetKeys: true }));
