/**
 * The one manifest of huitou's tables, functions and triggers. The CDK stacks and the local
 * runtime both read it, so what runs on a laptop is what deploys.
 *
 * Nothing here imports runtime code: handlers are named by their entry file. The key prefixes the
 * stream filter needs come from keys.ts, the one place keys are spelled.
 */
import { appliedByAttribute, keyPrefixes } from '../shared/adapters/dynamodb/keys.js';

import { envNames } from '../shared/env-names.js';

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

/** What an index entry carries besides its keys; every entry is billed at its projected size. */
export type Projection = { type: 'KEYS_ONLY' } | { type: 'ALL' } | { type: 'INCLUDE'; attributes: string[] };

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  projection: Projection;
}

export interface TableDefinition {
  /** Logical id in CDK, and the env var that carries the physical name to functions. */
  id: string;
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: IndexDefinition[];
  timeToLiveAttribute: string;
  stream: 'NEW_AND_OLD_IMAGES';
}

/**
 * One table for everything a shop owns (single-table design, keys in shared/adapters/dynamodb/keys.ts):
 * - pk/sk: shops, API keys, customers (one compact item each), a customer's events and archived
 *   orders in the customer's own partition (so the timeline is a query, not an index), identities,
 *   due steps, and (next) segment memberships and the send ledger.
 * - byOwner: small listings that belong to one owner: the shops, a shop's API keys.
 * - byValue: every live customer of a shop, spread over shards and ordered by average order value
 *   band, so the nightly refresh reads a shop's customers in parallel and audiences such as "AOV in
 *   [60, 80)" read in proportion to what they return. Keys only: an entry is written when a customer
 *   is created and rewritten only when the value leaves its 20% band (keys.ts).
 */
export const dataTable: TableDefinition = {
  id: 'Data',
  envVar: envNames.tableName,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'byOwner',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: { type: 'ALL' },
    },
    {
      indexName: 'byValue',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      projection: { type: 'KEYS_ONLY' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
};

export const tables = [dataTable];

export type FunctionName =
  | 'api'
  | 'admin'
  | 'import'
  | 'stream'
  | 'segmentRefresh'
  | 'segmentRefreshWorker'
  | 'dueSteps'
  | 'campaignSchedule'
  | 'campaignLaunch'
  | 'sender'
  | 'tracking'
  | 'links';

export interface StreamTrigger {
  kind: 'dynamodbStream';
  table: TableDefinition;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  retryAttempts: number;
  /**
   * Only new event items reach the stream handler: inserts whose sort key starts with the event
   * prefix and that carry no `appliedBy` mark (an import applies its own events as it writes them).
   * Profile updates, overwritten events (a client's retry) and the like never reach it.
   */
  filter: { eventName: 'INSERT'; sortKeyPrefix: string; unlessAttribute: string };
}

export interface HttpTrigger {
  kind: 'httpApi';
  /** Routes in API Gateway's `METHOD /path` form; `{proxy+}` catches the rest. */
  routes: string[];
  /**
   * `handler`: the function authenticates (shop API keys). `iam`: API Gateway's IAM authorizer
   * lets only SigV4-signed requests of the account's operators through; locally these routes are
   * served on the loopback control path only (`npm run shop`).
   */
  authorization: 'handler' | 'iam';
}

export interface ScheduleTrigger {
  kind: 'schedule';
  /** The name a person uses with `npm run local -- fire <name>`. */
  name: string;
  /** Fires every `everyMinutes` minutes on the minute, in UTC, both on AWS and on the local clock. */
  everyMinutes: number;
}

export interface QueueTrigger {
  kind: 'sqs';
  /** `sesEvents`: the SES configuration set's events, from their SNS topic. */
  queue: 'send' | 'import' | 'refresh' | 'campaign' | 'sesEvents';
  batchSize: number;
  /**
   * At most this many invocations at once (the event source's maximum concurrency; the sender's
   * pacing assumes it: pacing.ts); the local runtime runs up to four of them side by side. One
   * when absent, locally.
   */
  maxConcurrency?: number;
}

export type Trigger = StreamTrigger | HttpTrigger | ScheduleTrigger | QueueTrigger;

export type Grant =
  | { kind: 'table'; table: TableDefinition; access: 'read' | 'readWrite' }
  | { kind: 'sendQueue' }
  /** Queue the shards of a segment refresh. */
  | { kind: 'refreshQueue' }
  /** Queue the pages of a campaign run. */
  | { kind: 'campaignQueue' }
  /** Read uploads and write reports in the import bucket, and queue an import's continuation. */
  | { kind: 'importBucket' }
  | { kind: 'sesSend' }
  /** Provision each shop's SES tenant (suppression, resources, reputation policy). */
  | { kind: 'sesTenants' }
  | { kind: 'snsSms' }
  /** Sign and verify the links in messages (click redirect, unsubscribe). */
  | { kind: 'links' };

export interface FunctionDefinition {
  name: FunctionName;
  /** Entry file, relative to the project root, exporting `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  trigger: Trigger;
  grants: Grant[];
}

/** What each place that runs the functions (the CDK stack, the local runtime) gives for the resources grants name. */
export interface GrantValues {
  tableName: (table: TableDefinition) => string;
  sendQueueUrl: string;
  importQueueUrl: string;
  refreshQueueUrl: string;
  campaignQueueUrl: string;
  senderEmail: string;
  sesConfigurationSet: string;
  /** Whether email goes out as each shop's SES tenant (`true` on AWS; the local emulator has none). */
  sesTenants: boolean;
  /** What each shop's tenant sends with (configuration set, identity ARNs) and its SES-managed reputation policy. */
  sesTenantSetup: { resourceArns: string[]; reputationPolicy: string };
  /** The links' HMAC secrets, comma-separated, current first. */
  linkSecrets: string;
  /** The public base URL of `/r` and `/u`. */
  linksUrl: string;
}

/** The environment variables a grant sets, so a function granted a resource can find it. */
function grantEnv(grant: Grant, values: GrantValues): Record<string, string> {
  switch (grant.kind) {
    case 'table':
      return { [grant.table.envVar]: values.tableName(grant.table) };
    case 'sendQueue':
      return { [envNames.sendQueueUrl]: values.sendQueueUrl };
    case 'refreshQueue':
      return { [envNames.refreshQueueUrl]: values.refreshQueueUrl };
    case 'campaignQueue':
      return { [envNames.campaignQueueUrl]: values.campaignQueueUrl };
    case 'importBucket':
      // Bucket and key come in each message (S3 notifications); only the continuation queue is named.
      return { [envNames.importQueueUrl]: values.importQueueUrl };
    case 'sesSend':
      return {
        [envNames.senderEmail]: values.senderEmail,
        [envNames.sesConfigurationSet]: values.sesConfigurationSet,
        [envNames.sesTenants]: String(values.sesTenants),
      };
    case 'sesTenants':
      return {
        [envNames.sesTenants]: String(values.sesTenants),
        [envNames.sesTenantResources]: values.sesTenantSetup.resourceArns.join(','),
        [envNames.sesReputationPolicy]: values.sesTenantSetup.reputationPolicy,
      };
    case 'links':
      return { [envNames.linkSecrets]: values.linkSecrets, [envNames.linksUrl]: values.linksUrl };
    case 'snsSms':
      // Direct publish to a phone number: nothing to name.
      return {};
  }
}

/** A function's environment, derived from its grants: the stack and the local runtime both set exactly this. */
export function envVarsOf(def: FunctionDefinition, values: GrantValues): Record<string, string> {
  return Object.assign({}, ...def.grants.map((grant) => grantEnv(grant, values)));
}

export const functions: FunctionDefinition[] = [
  {
    name: 'api',
    entry: 'functions/api/handler.ts',
    description: 'Shop-facing HTTP API: events, customers, health',
    timeoutSeconds: 29,
    memoryMb: 1024,
    trigger: { kind: 'httpApi', routes: ['ANY /v1/{proxy+}'], authorization: 'handler' },
    // A campaign launched now queues its first page; a template preview signs links as the sender does.
    grants: [
      { kind: 'table', table: dataTable, access: 'readWrite' },
      { kind: 'campaignQueue' },
      { kind: 'links' },
    ],
  },
  {
    name: 'admin',
    entry: 'functions/admin/handler.ts',
    description:
      'Operator routes for shops (with their SES tenants) and API keys (create, list, rotate, revoke), IAM-signed only',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: { kind: 'httpApi', routes: ['ANY /admin/{proxy+}'], authorization: 'iam' },
    // A new shop gets its own SES tenant before its first key.
    grants: [{ kind: 'table', table: dataTable, access: 'readWrite' }, { kind: 'sesTenants' }],
  },
  {
    name: 'import',
    entry: 'functions/import/handler.ts',
    description: 'Imports a shop history file uploaded to imports/<shopId>/ in the import bucket',
    timeoutSeconds: 900,
    memoryMb: 1024,
    trigger: { kind: 'sqs', queue: 'import', batchSize: 1 },
    grants: [{ kind: 'table', table: dataTable, access: 'readWrite' }, { kind: 'importBucket' }],
  },
  {
    name: 'stream',
    entry: 'functions/stream/handler.ts',
    description: 'Applies new events to customer profiles (identity, stats, tiers), then to journeys',
    timeoutSeconds: 60,
    memoryMb: 1024,
    trigger: {
      kind: 'dynamodbStream',
      table: dataTable,
      // Large batches over a short window: one profile write per customer per batch, not per event.
      batchSize: 1000,
      maxBatchingWindowSeconds: 3,
      retryAttempts: 5,
      filter: { eventName: 'INSERT', sortKeyPrefix: keyPrefixes.event, unlessAttribute: appliedByAttribute },
    },
    // Journeys started or moved on by the events send at once (transactional care does not wait a minute).
    grants: [{ kind: 'table', table: dataTable, access: 'readWrite' }, { kind: 'sendQueue' }],
  },
  {
    name: 'segmentRefresh',
    entry: 'functions/segment-refresh/handler.ts',
    description:
      'Starts the nightly segment refresh of every shop at its 02:00 (a task per shard) and the holidays whose time came',
    timeoutSeconds: 60,
    memoryMb: 256,
    trigger: { kind: 'schedule', name: 'segment-refresh', everyMinutes: 60 },
    // A holiday's fan-out goes on the campaign queue: its worker runs whole-shop pages already.
    grants: [
      { kind: 'table', table: dataTable, access: 'readWrite' },
      { kind: 'refreshQueue' },
      { kind: 'campaignQueue' },
    ],
  },
  {
    name: 'segmentRefreshWorker',
    entry: 'functions/segment-refresh-worker/handler.ts',
    description:
      'Runs one shard of a segment refresh: sketch, or apply: segment moves to journeys, then memberships',
    timeoutSeconds: 900,
    // A shard of a 10-million-customer shop: 625,000 customers' inputs and the shop's distributions.
    memoryMb: 3008,
    trigger: { kind: 'sqs', queue: 'refresh', batchSize: 1, maxConcurrency: 16 },
    // Journeys started by segment moves (win-back on entering at-risk) send their first step at once.
    grants: [
      { kind: 'table', table: dataTable, access: 'readWrite' },
      { kind: 'refreshQueue' },
      { kind: 'sendQueue' },
    ],
  },
  {
    name: 'dueSteps',
    entry: 'functions/due-steps/handler.ts',
    description: 'Runs what the due index holds for this minute: one cursor read, then each busy shard',
    timeoutSeconds: 60,
    memoryMb: 512,
    trigger: { kind: 'schedule', name: 'due-steps', everyMinutes: 1 },
    grants: [{ kind: 'table', table: dataTable, access: 'readWrite' }, { kind: 'sendQueue' }],
  },
  {
    name: 'campaignSchedule',
    entry: 'functions/campaign-schedule/handler.ts',
    description: 'Starts the campaign runs due this minute and brings deferred campaign customers back',
    timeoutSeconds: 60,
    memoryMb: 256,
    trigger: { kind: 'schedule', name: 'campaign-schedule', everyMinutes: 1 },
    grants: [{ kind: 'table', table: dataTable, access: 'readWrite' }, { kind: 'campaignQueue' }],
  },
  {
    name: 'campaignLaunch',
    entry: 'functions/campaign-launch/handler.ts',
    description:
      'Runs one page of a campaign run (holdout, contact policy, send requests, deferrals) or of a holiday fan-out',
    timeoutSeconds: 120,
    memoryMb: 1024,
    trigger: { kind: 'sqs', queue: 'campaign', batchSize: 1 },
    grants: [
      { kind: 'table', table: dataTable, access: 'readWrite' },
      { kind: 'campaignQueue' },
      { kind: 'sendQueue' },
    ],
  },
  {
    name: 'sender',
    entry: 'functions/sender/handler.ts',
    description: 'Sends queued send requests through SES (email) and SNS (SMS), at most once each, paced',
    timeoutSeconds: 30,
    memoryMb: 512,
    // Two invocations of ten paced sends: pacing.ts's concurrency for rates up to ~25/s; raise with the rate.
    trigger: { kind: 'sqs', queue: 'send', batchSize: 10, maxConcurrency: 2 },
    grants: [
      { kind: 'table', table: dataTable, access: 'readWrite' },
      { kind: 'sesSend' },
      { kind: 'snsSms' },
      { kind: 'links' },
    ],
  },
  {
    name: 'tracking',
    entry: 'functions/tracking/handler.ts',
    description:
      'Applies SES events (send, delivery, bounce, complaint, open, click, …) to send records and customers',
    timeoutSeconds: 30,
    memoryMb: 512,
    trigger: { kind: 'sqs', queue: 'sesEvents', batchSize: 10 },
    grants: [{ kind: 'table', table: dataTable, access: 'readWrite' }],
  },
  {
    name: 'links',
    entry: 'functions/links/handler.ts',
    description: 'Public links in messages: the signed click redirect and the unsubscribe page (RFC 8058)',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'httpApi', routes: ['GET /r', 'GET /u', 'POST /u'], authorization: 'handler' },
    grants: [{ kind: 'table', table: dataTable, access: 'readWrite' }, { kind: 'links' }],
  },
];
