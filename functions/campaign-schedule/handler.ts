import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { campaignDeps } from '../../shared/adapters/dynamodb/campaign-deps.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { observability } from '../../shared/observability.js';
import { nextCampaignDueAt, runCampaignSchedule } from '../../shared/use-cases/campaigns/campaigns.js';

const { logger, tracer } = observability('campaign-schedule');
const config = loadConfig();
if (!config.CAMPAIGN_QUEUE_URL) throw new Error('CAMPAIGN_QUEUE_URL is required');
const deps = campaignDeps(
  createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
  config.TABLE_NAME,
  tracer.captureAWSv3Client(new SQSClient({})),
  config.CAMPAIGN_QUEUE_URL,
  now,
);

/** Every minute: the campaign runs due start, deferred customers whose slot opened come back. */
export const handler = middy(async () => {
  const result = await runCampaignSchedule(deps);
  if (result.runs + result.deferrals > 0) logger.info('Campaign schedule', result);
  // `queued` lets the local clock wait for the queued pages before it moves on; `nextDueAt` lets
  // it skip the minutes before the next run or deferral (on AWS the schedule fires every minute).
  return { queued: result.runs + result.deferrals, nextDueAt: await nextCampaignDueAt(deps, now(), result) };
}).use(injectLambdaContext(logger, { resetKeys: true }));
