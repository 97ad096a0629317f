import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignDeps } from '../../use-cases/campaigns/campaigns.js';
import type { LaunchDeps } from '../../use-cases/campaigns/run-campaign.js';
import { SqsCampaignQueue } from '../sqs/campaign-queue.js';
import { SqsSendRequestQueue } from '../sqs/send-request-queue.js';
import { DynamoAudienceStore } from './audience-store.js';
import { DynamoCampaignStore } from './campaign-store.js';
import { DynamoContactHistory } from './contact-history.js';
import { DynamoCouponSecrets } from './coupon-secrets.js';
import { DynamoProfileStore } from './profile-store.js';
import { DynamoRefreshResultStore } from './refresh-result-store.js';
import { DynamoRefreshRunStore } from './refresh-run-store.js';
import { DynamoSegmentDefinitionStore } from './segment-definition-store.js';
import { DynamoSegmentStore } from './segment-store.js';
import { DynamoShopStore } from './shop-store.js';

/** The campaign ports on DynamoDB and SQS: the API, the schedule and the launch worker compose the same. */
export function campaignDeps(
  doc: DynamoDBDocumentClient,
  tableName: string,
  sqs: SQSClient,
  campaignQueueUrl: string,
  clock: () => Date,
): CampaignDeps & { shops: DynamoShopStore; contacts: DynamoContactHistory } {
  return {
    segments: new DynamoSegmentStore(doc, tableName),
    audiences: new DynamoAudienceStore(doc, tableName),
    definitions: new DynamoSegmentDefinitionStore(doc, tableName),
    results: new DynamoRefreshResultStore(doc, tableName),
    runs: new DynamoRefreshRunStore(doc, tableName),
    profiles: new DynamoProfileStore(doc, tableName, clock),
    contacts: new DynamoContactHistory(doc, tableName),
    coupons: new DynamoCouponSecrets(doc, tableName),
    campaigns: new DynamoCampaignStore(doc, tableName),
    queue: new SqsCampaignQueue(sqs, campaignQueueUrl),
    shops: new DynamoShopStore(doc, tableName),
    clock,
  };
}

/** The launch worker's ports: the campaign ports and the send queue. */
export function launchDeps(
  doc: DynamoDBDocumentClient,
  tableName: string,
  sqs: SQSClient,
  queues: { campaign: string; send: string },
  clock: () => Date,
): LaunchDeps {
  return {
    ...campaignDeps(doc, tableName, sqs, queues.campaign, clock),
    sends: new SqsSendRequestQueue(sqs, queues.send),
  };
}
