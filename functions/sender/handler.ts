import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoSendLedger } from '../../shared/adapters/dynamodb/send-ledger.js';
import { SesEmailChannel } from '../../shared/adapters/ses/email-channel.js';
import { SnsSmsChannel } from '../../shared/adapters/sns/sms-channel.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import type { OutgoingMessage } from '../../shared/domain/sending/messages.js';
import { observability } from '../../shared/observability.js';
import { sendMessage } from '../../shared/use-cases/sending/send-message.js';

const { logger, tracer } = observability('sender');
const config = loadConfig();
if (!config.SENDER_EMAIL) throw new Error('SENDER_EMAIL is required');
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const deps = {
  ledger: new DynamoSendLedger(doc, config.TABLE_NAME),
  clock: now,
  channels: {
    email: new SesEmailChannel(
      tracer.captureAWSv3Client(new SESv2Client({})),
      config.SENDER_EMAIL,
      config.SES_CONFIGURATION_SET,
    ),
    sms: new SnsSmsChannel(tracer.captureAWSv3Client(new SNSClient({}))),
  },
};

const messageSchema = z.strictObject({
  sendId: z.string().min(1),
  shopId: z.string().min(1),
  customerId: z.string().min(1),
  channel: z.enum(['email', 'sms']),
  to: z.string().min(3),
  subject: z.string().optional(),
  text: z.string(),
  html: z.string().optional(),
});

const processor = new BatchProcessor(EventType.SQS);

async function sendRecord(record: SQSRecord): Promise<void> {
  const message: OutgoingMessage = messageSchema.parse(JSON.parse(record.body));
  const outcome = await sendMessage(deps, message);
  logger.info('Send', { sendId: message.sendId, channel: message.channel, status: outcome.status });
}

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, sendRecord, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
