import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { createDocumentClient, dynamoClientPlugins } from '../../shared/adapters/dynamodb/client.js';
import { importDeps } from '../../shared/adapters/dynamodb/import-deps.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import { importHistory } from '../../shared/use-cases/intake/import-history.js';
import { authenticate, createShop } from '../../shared/use-cases/shops/api-keys.js';
import {
  dataTable,
  envVarsOf,
  type FunctionDefinition,
  functions,
  type GrantValues,
  type HttpTrigger,
  type QueueTrigger,
  type TableDefinition,
  tables,
} from '../wiring.js';
import { demoShop } from './demo-shop.js';
import { createTables, localClient, startDynamoLocal } from './dynamodb-local.js';
import { invocation, LocalFaults, type PlantedFault } from './faults.js';
import { lambdaContext, readBody, toApiGatewayEvent } from './gateway.js';
import { LocalQueue } from './local-queue.js';
import { startSesFront } from './local-ses-events.js';
import { LocalSms } from './local-sns.js';
import { type LocalSchedule, LocalScheduler, parseDuration } from './scheduler.js';
import { StreamPoller } from './stream-poller.js';

export interface RuntimeOptions {
  /** Where data, checkpoints, outboxes and local.json live (git-ignored). */
  dataDir: string;
  /** Keep DynamoDB in memory: nothing survives a restart. */
  inMemory: boolean;
  /** 0 picks a free port. */
  ports: { api: number; dynamodb: number; ses: number };
  /** Creates (or reuses) the demo shop and its API key. */
  demoShop: boolean;
  /** Customers the new demo shop is filled with (infra/local/demo-shop.ts); 0 leaves it empty. */
  demoCustomers?: number;
  /** Ticks the schedules in real time; tests drive the clock themselves. */
  realTimeClock: boolean;
  log: (line: string) => void;
}

export interface LocalFacts {
  apiUrl: string;
  controlUrl: string;
  sesUrl: string;
  /** SNS for SMS (Publish to a phone number), at AWS_ENDPOINT_URL_SNS: messages go to `smsOutbox`. */
  snsUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  smsOutbox: string;
  shopId?: string;
  apiKey?: string;
}

export interface LocalRuntime extends LocalFacts {
  scheduler: LocalScheduler;
  /**
   * Waits until the stream and the send queue have handed over everything written so far; fails
   * after `timeoutMs` per stage (a minute unless told: long enough for a test, not for an import).
   */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

// aws-ses-v2-local is CommonJS with a default export; require gives the function itself.
const startSes = createRequire(import.meta.url)('aws-ses-v2-local')
  .default as typeof import('aws-ses-v2-local').default;

const localSesAccount = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'MARKETING',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'huitou local stack',
    WebsiteURL: 'http://127.0.0.1',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 1_000_000, MaxSendRate: 200, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: [] },
};

export const defaultPorts = { api: 4780, dynamodb: 4781, ses: 4782 };
export const tableName = localTableName(dataTable);
export const demoShopId = 'demo';
/** How long filling the demo shop may take to be applied (DynamoDB Local writes a few hundred items a second). */
const longSettleMs = 2 * 3_600_000;
/** The demo shop's history is the same on every machine. */
const demoSeed = 20261123;

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function ensureFree(port: number, what: string): Promise<number> {
  if (port === 0) return freePort();
  await new Promise<void>((ok, fail) => {
    const server = createNetServer();
    server.once('error', () =>
      fail(
        new Error(
          `Port ${port} (${what}) is taken. Stop whatever uses it, or choose another port (see README: ports).`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => ok()));
  });
  return port;
}

/** The handler module of a function, loaded as Lambda would load its bundle. */
async function loadHandler<E, R>(def: FunctionDefinition): Promise<(event: E) => Promise<R>> {
  const modulePath = resolve(import.meta.dirname, '../..', def.entry);
  const mod = (await import(modulePath)) as { handler: Handler<E, R> };
  return (event) =>
    invocation.run({ functionName: def.name }, () =>
      mod.handler(event, lambdaContext(`huitou-${def.name}`, def.timeoutSeconds)),
    );
}

function matchesHttpRoute(trigger: HttpTrigger, method: string, path: string): string | null {
  for (const route of trigger.routes) {
    const [m, pattern] = route.split(' ') as [string, string];
    if (m !== 'ANY' && m !== method) continue;
    const prefix = pattern.replace('{proxy+}', '');
    if (pattern.endsWith('{proxy+}') ? path.startsWith(prefix) : path === pattern) return route;
  }
  return null;
}

/** A table's physical name locally: `Data` becomes `huitou-data`. */
function localTableName(table: TableDefinition): string {
  return `huitou-${table.id.toLowerCase()}`;
}

interface LocalRoute {
  trigger: HttpTrigger;
  handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
}

/** Every function of the wiring, behind the local stand-in for its trigger. */
interface LocalFunctions {
  routes: LocalRoute[];
  pollers: StreamPoller[];
  queues: Map<QueueTrigger['queue'], LocalQueue>;
  schedules: LocalSchedule[];
}

async function wireFunctions(
  options: RuntimeOptions,
  dataDir: string,
  endpoint: string,
  dynamodb: DynamoDBClient,
): Promise<LocalFunctions> {
  const wired: LocalFunctions = { routes: [], pollers: [], queues: new Map(), schedules: [] };
  for (const def of functions) {
    const { trigger } = def;
    switch (trigger.kind) {
      case 'httpApi':
        wired.routes.push({ trigger, handler: await loadHandler(def) });
        break;
      case 'dynamodbStream':
        wired.pollers.push(
          new StreamPoller({
            tableName: localTableName(trigger.table),
            trigger,
            dynamodb,
            streams: new DynamoDBStreamsClient({ endpoint }),
            handler: await loadHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>(def),
            checkpointFile: options.inMemory ? undefined : join(dataDir, `${def.name}-checkpoints.json`),
            failureFile: join(dataDir, `${def.name}-failures.jsonl`),
            log: options.log,
          }),
        );
        break;
      case 'sqs':
        wired.queues.set(
          trigger.queue,
          new LocalQueue({
            queueArn: `arn:aws:sqs:local:000000000000:huitou-${trigger.queue}`,
            batchSize: trigger.batchSize,
            workers: Math.min(4, trigger.maxConcurrency ?? 1),
            maxReceiveCount: 5,
            consumer: await loadHandler<SQSEvent, SQSBatchResponse>(def),
            deadLetterFile: join(dataDir, `${trigger.queue}-dead-letters.jsonl`),
            journalFile: join(dataDir, `${trigger.queue}-received.jsonl`),
            // The other queues' work first (bounded: two queues may be waiting on each other).
            beforeRedelivery: () =>
              Promise.race([
                Promise.all(
                  [...wired.queues.entries()]
                    .filter(([name]) => name !== trigger.queue)
                    .map(([, q]) => q.drain()),
                ).then(() => undefined),
                new Promise<void>((resolve) => setTimeout(resolve, 30_000).unref()),
              ]),
            log: options.log,
          }),
        );
        break;
      case 'schedule': {
        const handler = await loadHandler<Record<string, unknown>, Record<string, unknown>>(def);
        const { name, everyMinutes } = trigger;
        wired.schedules.push({
          name,
          everyMinutes,
          fire: async (at: Date, detail?: Record<string, unknown>) => {
            const result = await handler({
              version: '0',
              id: `${name}-${at.toISOString()}`,
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              account: 'local',
              time: at.toISOString(),
              region: 'local',
              resources: [],
              detail: detail ?? {},
            });
            // Queued sends, run steps and started refreshes settle before the next firing; idle ticks do
            // not wait. A minute schedule that says when it next has work lets the clock jump there.
            const worked =
              Number(result?.queued) > 0 ||
              Number(result?.busyShards) > 0 ||
              (Array.isArray(result?.reports) && result.reports.length > 0);
            const nextDueAt = result?.nextDueAt;
            return typeof nextDueAt === 'string' || nextDueAt === null ? { worked, nextDueAt } : { worked };
          },
        });
        break;
      }
    }
  }
  return wired;
}

/** SQS's JSON protocol names the queue in the body (QueueUrl), not in the path. */
function queueNamed(body: string): string {
  try {
    return String(JSON.parse(body || '{}').QueueUrl ?? '')
      .split('/')
      .at(-1) as string;
  } catch {
    return '';
  }
}

/**
 * Brings up huitou on one machine: DynamoDB Local, the local SES and SNS (SMS), and every function of
 * the wiring behind a local stand-in for its trigger: HTTP routes, stream pollers, queues, schedules
 * on a local clock. Not emulated: S3. The import function is wired to its queue (continuations and
 * messages naming a bucket and key reach it), but reading an upload needs the real bucket; locally,
 * files are imported with `npm run import`.
 */
export async function startLocalRuntime(options: RuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const ports = {
    api: await ensureFree(options.ports.api, 'API'),
    dynamodb: await ensureFree(options.ports.dynamodb, 'DynamoDB Local'),
    ses: await ensureFree(options.ports.ses, 'local SES'),
  };
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dynamo = await startDynamoLocal(
      ports.dynamodb,
      options.inMemory ? null : join(dataDir, 'dynamodb'),
    );
    stops.push(() => dynamo.stop());
    // The emulator answers GetAccount from this (the sender paces itself by MaxSendRate): a
    // production account's quota, not the sandbox's one a second, so local runs are not slowed.
    process.env.AWS_SES_ACCOUNT ??= JSON.stringify(localSesAccount);
    // The emulator sits behind the local SES port's front (local-ses-events.ts), which publishes Send events.
    const emulatorPort = await freePort();
    const ses: Server = await startSes({ host: '127.0.0.1', port: emulatorPort });
    stops.push(() => new Promise((r) => ses.close(r)));

    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const controlUrl = `${apiUrl}/_local`;
    const facts: LocalFacts = {
      apiUrl,
      controlUrl,
      sesUrl: `http://127.0.0.1:${ports.ses}`,
      snsUrl: `${controlUrl}/sns`,
      dynamodbEndpoint: dynamo.endpoint,
      tableName,
      smsOutbox: join(dataDir, 'sms-outbox.jsonl'),
    };
    const sms = new LocalSms(facts.smsOutbox);
    const values: GrantValues = {
      tableName: localTableName,
      sendQueueUrl: `${controlUrl}/sqs/send`,
      importQueueUrl: `${controlUrl}/sqs/import`,
      refreshQueueUrl: `${controlUrl}/sqs/refresh`,
      campaignQueueUrl: `${controlUrl}/sqs/campaign`,
      senderEmail: 'care@demo-shop.local',
      sesConfigurationSet: 'huitou-local',
      sesTenants: false,
      sesTenantSetup: { resourceArns: [], reputationPolicy: '' },
      // A fixed local key: links made by one run still verify in the next.
      linkSecrets: 'huitou-local-link-secret-not-for-production',
      linksUrl: apiUrl,
    };
    // The handlers read these exactly as they read their Lambda environment. They share one process,
    // so the environment is the union of what each function's grants give it.
    Object.assign(process.env, {
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
      AWS_ENDPOINT_URL_SESV2: facts.sesUrl,
      AWS_ENDPOINT_URL_SNS: facts.snsUrl,
      AWS_ENDPOINT_URL_S3: `${controlUrl}/s3`,
      AWS_ENDPOINT_URL_SQS: `${controlUrl}/sqs`,
      ...Object.assign({}, ...functions.map((def) => envVarsOf(def, values))),
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    const dynamodb = localClient(dynamo.endpoint);
    // Before the handlers are loaded: their DynamoDB clients take the plugin when they are made.
    const faults = new LocalFaults();
    dynamoClientPlugins.push(faults.plugin);
    stops.push(async () => {
      dynamoClientPlugins.splice(dynamoClientPlugins.indexOf(faults.plugin), 1);
    });
    await createTables(
      dynamodb,
      tables.map((def) => ({ def, name: localTableName(def) })),
    );

    const { routes, pollers, queues, schedules } = await wireFunctions(
      options,
      dataDir,
      dynamo.endpoint,
      dynamodb,
    );
    const sesFront = await startSesFront({
      port: ports.ses,
      emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
      now,
      publish: (notification) => queues.get('sesEvents')?.enqueue(notification),
    });
    stops.push(() => new Promise((r) => sesFront.close(r)));
    for (const poller of pollers) {
      await poller.start();
      stops.push(() => poller.stop());
    }
    // Streams feed queues (through the schedules) and queues write what streams carry: drain both ways.
    const settle = async (timeoutMs?: number) => {
      for (const poller of pollers) await poller.drain(timeoutMs);
      for (const queue of queues.values()) await queue.drain();
      for (const poller of pollers) await poller.drain(timeoutMs);
    };

    const scheduler = new LocalScheduler(schedules, settle, options.log);
    if (options.realTimeClock) scheduler.start();

    const server = createServer((req, res) => void serve(req, res));
    const serve = async (req: IncomingMessage, res: ServerResponse) => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const reply = (result: APIGatewayProxyStructuredResultV2) => {
        res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
        res.end(result.body ?? '');
      };
      try {
        const body = await readBody(req);
        if (body === null) return send(413, { message: 'Request Entity Too Large' });
        const path = new URL(req.url ?? '/', apiUrl).pathname;
        const method = req.method ?? 'GET';
        if (path.startsWith('/_local/sqs')) {
          const queue = queues.get(queueNamed(body) as QueueTrigger['queue']);
          if (!queue)
            return send(
              400,
              {
                __type: 'com.amazonaws.sqs#QueueDoesNotExist',
                message: `no local queue ${queueNamed(body)}`,
              },
              { 'content-type': 'application/x-amz-json-1.0' },
            );
          return queue.handle(req, body, res);
        }
        if (path.startsWith('/_local/sns') && method === 'POST') return sms.handle(body, res);
        if (path === '/_local/faults' && method === 'POST') {
          faults.plant(JSON.parse(body) as PlantedFault);
          return send(200, { planted: true });
        }
        if (path === '/_local/faults' && method === 'GET') return send(200, { fired: faults.fired });
        if (path === '/_local/faults' && method === 'DELETE') {
          faults.clear();
          return send(200, { cleared: true });
        }
        if (path.startsWith('/_local/s3')) {
          // Not an emulator: a clear, immediate refusal instead of the SDK retrying a host that does not exist.
          res.writeHead(501, { 'content-type': 'application/xml' });
          return res.end(
            '<Error><Code>NotImplemented</Code><Message>S3 is not emulated locally; import files with npm run import</Message></Error>',
          );
        }
        if (path === '/_local/advance' && method === 'POST') {
          const fired = await scheduler.advance(parseDuration(String(JSON.parse(body || '{}').duration)));
          return send(200, { now: now().toISOString(), fired });
        }
        if (path.startsWith('/_local/fire/') && method === 'POST') {
          await scheduler.fire(path.slice('/_local/fire/'.length), body ? JSON.parse(body) : undefined);
          return send(200, { now: now().toISOString() });
        }
        if (path === '/_local/state')
          return send(200, { now: now().toISOString(), ...facts, apiKey: undefined });
        if (path === '/_local/settle' && method === 'POST') {
          await settle();
          return send(200, { now: now().toISOString() });
        }
        // IAM-authorized routes answer on the loopback control path only, as if the IAM authorizer
        // had let a signed operator through; the others on the API's own paths.
        const control = path.startsWith('/_local/');
        const routePath = control ? path.slice('/_local'.length) : path;
        for (const { trigger, handler } of routes) {
          if ((trigger.authorization === 'iam') !== control) continue;
          const route = matchesHttpRoute(trigger, method, routePath);
          if (!route) continue;
          const event = toApiGatewayEvent(req, body, route);
          if (!control) return reply(await handler(event));
          return reply(
            await handler({
              ...event,
              rawPath: routePath,
              requestContext: {
                ...event.requestContext,
                http: { ...event.requestContext.http, path: routePath },
                authorizer: { iam: { userArn: 'local-operator' } },
              },
            } as APIGatewayProxyEventV2),
          );
        }
        send(404, { message: 'Not Found' });
      } catch (error) {
        options.log(`local gateway: ${(error as Error).stack ?? error}`);
        send(500, { message: (error as Error).message });
      }
    };
    await new Promise<void>((ok) => server.listen(ports.api, '127.0.0.1', ok));
    stops.push(() => new Promise((r) => server.close(() => r(undefined))));
    // Stopped first (stops run in reverse): a catch-up under way ends while the local SQS and the
    // control endpoints behind this server still answer, instead of failing every minute after.
    stops.push(() => scheduler.stop());

    if (options.demoShop) {
      const demo = await ensureDemoShop(dataDir, options.inMemory);
      Object.assign(facts, { shopId: demo.shopId, apiKey: demo.apiKey });
      // DynamoDB Local takes minutes for two years of a shop: the API answers meanwhile.
      if (demo.created && options.demoCustomers)
        void fillDemoShop(options.demoCustomers, options.log)
          .then(() => settle(longSettleMs))
          .then(() => options.log('demo shop: history applied to the profiles'))
          // Segments and the repurchase model from the start, not from the first 02:00.
          .then(() => scheduler.fire('segment-refresh', { shopIds: [demoShopId] }))
          .then(() => options.log('demo shop: segments refreshed, repurchase model fitted'))
          .catch((error: Error) => options.log(`demo shop: filling stopped: ${error.message}`));
    }
    writeFileSync(join(dataDir, 'local.json'), `${JSON.stringify(facts, null, 2)}\n`);
    return { ...facts, scheduler, settle, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Reuses the demo shop's key from a previous run when the data is still there; otherwise makes both. */
async function ensureDemoShop(
  dataDir: string,
  inMemory: boolean,
): Promise<{ shopId: string; apiKey: string; created: boolean }> {
  const shops = new DynamoShopStore(createDocumentClient(), tableName);
  const file = join(dataDir, 'local.json');
  const previous =
    !inMemory && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalFacts) : null;
  if (previous?.apiKey) {
    const shop = await authenticate(shops, previous.apiKey).catch(() => null);
    if (shop?.shopId === demoShopId) return { shopId: demoShopId, apiKey: previous.apiKey, created: false };
  }
  const { key } = await createShop(shops, { shopId: demoShopId, name: 'Demo Tea House' }, now());
  return { shopId: demoShopId, apiKey: key, created: true };
}

/** Two years of a tea shop's history, through the same import a shop uses for its own. */
async function fillDemoShop(customers: number, log: (line: string) => void): Promise<void> {
  const doc = createDocumentClient();
  const shop = (await new DynamoShopStore(doc, tableName).getShop(demoShopId)) as ShopSettings;
  const history = demoShop({ seed: demoSeed, customers, end: now() });
  const total = history.customers.length + history.events.length;
  log(`demo shop: importing ${history.customers.length} customers and ${history.events.length} events`);
  let reported = 0;
  const report = await importHistory(
    importDeps(doc, tableName, shop),
    shop,
    async function* () {
      yield* history.customers;
      yield* history.events;
    },
    {
      now: now(),
      onProgress: ({ rows }) => {
        if (rows - reported < total / 10) return;
        reported = rows;
        log(`demo shop: ${Math.round((100 * rows) / total)}% imported`);
      },
    },
  );
  log(`demo shop: ${report.customers} customers and ${report.accepted} events stored; applying them`);
}
