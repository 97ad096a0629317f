import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { linkSettingsOf, sendingStores } from '../../shared/adapters/sending-deps.js';
import { SesEmailChannel } from '../../shared/adapters/ses/email-channel.js';
import { sesSendQuota } from '../../shared/adapters/ses/tenants.js';
import { SnsSmsChannel } from '../../shared/adapters/sns/sms-channel.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { ThrottledError } from '../../shared/domain/sending/messages.js';
import { backoffMs, pacingFor } from '../../shared/domain/sending/pacing.js';
import { sendRequestSchema } from '../../shared/domain/sending/send-request-schema.js';
import { observability } from '../../shared/observability.js';
import type { EmailChannel, SmsChannel } from '../../shared/ports/sending/messaging.js';
import { sendRequest } from '../../shared/use-cases/sending/send-request.js';

const { logger, tracer } = observability('sender');
const config = loadConfig();
if (!config.SENDER_EMAIL) throw new Error('SENDER_EMAIL is required');
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const ses = tracer.captureAWSv3Client(new SESv2Client({}));
const stores = sendingStores(doc, config.TABLE_NAME, now);
const sesChannel = new SesEmailChannel(ses, {
  from: config.SENDER_EMAIL,
  configurationSet: config.SES_CONFIGURATION_SET,
  tenants: config.SES_TENANTS === 'true',
});
// US$0.00645 is the list price of one SMS to the United States; routes dearer than the maximum are refused.
const snsChannel = new SnsSmsChannel(tracer.captureAWSv3Client(new SNSClient({})), {
  maxPriceUsd: config.SMS_MAX_PRICE_USD ?? 0.05,
  priceMicros: 6_450,
});
const deps = {
  ...stores,
  email: { send: (m) => paced('email', () => sesChannel.send(m)) } as EmailChannel,
  sms: { send: (m) => paced('sms', () => snsChannel.send(m)) } as SmsChannel,
  links: linkSettingsOf(config),
  clock: now,
};

/** SNS's default SMS rate per account (transactions per second); raise it with AWS and here together. */
const smsRate = 20;
/** The email gap between two sends of this invocation, from SES's rate, read once per instance. */
let emailGapMs: Promise<number> | undefined;
const gapMs = (channel: string) => {
  if (channel === 'sms') return Promise.resolve(pacingFor({ maxRate: smsRate }).intervalMs);
  emailGapMs ??= sesSendQuota(ses).then(
    (quota) => pacingFor({ maxRate: quota.maxSendRate }).intervalMs,
    // The local emulator has no quota: the sandbox's one message per second.
    () => pacingFor({ maxRate: 1 }).intervalMs,
  );
  return emailGapMs;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const throttleRetries = 3;
let lastSendAt = 0;

/** Only what reaches the provider is paced: withheld and skipped requests go at once. */
async function paced<T>(channel: 'email' | 'sms', call: () => Promise<T>): Promise<T> {
  const gap = await gapMs(channel);
  await sleep(Math.max(0, lastSendAt + gap - Date.now()));
  lastSendAt = Date.now();
  return call();
}

async function sendRecord(record: SQSRecord): Promise<void> {
  const request = sendRequestSchema.parse(JSON.parse(record.body));
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await sendRequest(deps, request);
      logger.info('Send', { sendId: request.sendId, channel: request.channel, ...outcome });
      return;
    } catch (error) {
      // Throttled: back off with full jitter and try again; past a few tries the queue redelivers later.
      if (!(error instanceof ThrottledError) || attempt >= throttleRetries) throw error;
      await sleep(backoffMs(attempt, Math.random));
    }
  }
}

const processor = new BatchProcessor(EventType.SQS);

export const handler = middy((event: SQSEvent, context: Context) =>
  // One at a time, paced: in parallel the batch would go at once, above the rate.
  processPartialResponse(event, sendRecord, processor, { context, processInParallel: false }),
).use(injectLambdaContext(logger, { resetKeys: true }));
