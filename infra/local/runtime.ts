import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
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
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { importDeps } from '../../shared/adapters/dynamodb/import-deps.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import { importHistory } from '../../shared/use-cases/intake/import-history.js';
import { authenticate, createShop } from '../../shared/use-cases/shops/api-keys.js';
import {
  dataTable,
  type FunctionDefinition,
  functions,
  type HttpTrigger,
  type QueueTrigger,
  type StreamTrigger,
} from '../wiring.js';
import { demoShop } from './demo-shop.js';
import { createTables, localClient, startDynamoLocal } from './dynamodb-local.js';
import { lambdaContext, readBody, toApiGatewayEvent } from './gateway.js';
import { LocalQueue } from './local-queue.js';
import { LocalScheduler, parseDuration } from './scheduler.js';
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

export const defaultPorts = { api: 4780, dynamodb: 4781, ses: 4782 };
export const tableName = 'huitou-data';
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

function byName(name: FunctionDefinition['name']): FunctionDefinition {
  const fn = functions.find((f) => f.name === name);
  if (!fn) throw new Error(`no function ${name} in the wiring`);
  return fn;
}

/** The handler module of a function, loaded as Lambda would load its bundle. */
async function loadHandler<E, R>(def: FunctionDefinition): Promise<(event: E) => Promise<R>> {
  const modulePath = resolve(import.meta.dirname, '../..', def.entry);
  const mod = (await import(modulePath)) as { handler: Handler<E, R> };
  return (event) => mod.handler(event, lambdaContext(`huitou-${def.name}`, def.timeoutSeconds));
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

/**
 * Brings up huitou on one machine: DynamoDB Local, the local SES, the same handlers behind a local
 * HTTP API, the stream poller, the send queue and the schedules on a local clock.
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
    const ses: Server = await startSes({ host: '127.0.0.1', port: ports.ses });
    stops.push(() => new Promise((r) => ses.close(r)));

    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const facts: LocalFacts = {
      apiUrl,
      controlUrl: `${apiUrl}/_local`,
      sesUrl: `http://127.0.0.1:${ports.ses}`,
      dynamodbEndpoint: dynamo.endpoint,
      tableName,
      smsOutbox: join(dataDir, 'sms-outbox.jsonl'),
    };
    // The handlers read these exactly as they read their Lambda environment.
    Object.assign(process.env, {
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
      AWS_ENDPOINT_URL_SESV2: facts.sesUrl,
      AWS_ENDPOINT_URL_SQS: `${facts.controlUrl}/sqs`,
      [dataTable.envVar]: tableName,
      SEND_QUEUE_URL: `${facts.controlUrl}/sqs/send`,
      SENDER_EMAIL: 'care@demo-shop.local',
      SMS_OUTBOX_FILE: facts.smsOutbox,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    const dynamodb = localClient(dynamo.endpoint);
    await createTables(dynamodb, [{ def: dataTable, name: tableName }]);

    const api = await loadHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(byName('api'));
    const admin = await loadHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
      byName('admin'),
    );
    const streamDef = byName('stream');
    const stream = await loadHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>(streamDef);
    const senderDef = byName('sender');
    const sender = await loadHandler<SQSEvent, SQSBatchResponse>(senderDef);

    const poller = new StreamPoller({
      tableName,
      trigger: streamDef.trigger as StreamTrigger,
      dynamodb,
      streams: new DynamoDBStreamsClient({ endpoint: dynamo.endpoint }),
      handler: stream,
      checkpointFile: options.inMemory ? undefined : join(dataDir, 'stream-checkpoints.json'),
      failureFile: join(dataDir, 'stream-failures.jsonl'),
      log: options.log,
    });
    await poller.start();
    stops.push(() => poller.stop());
    const queue = new LocalQueue({
      queueArn: 'arn:aws:sqs:local:000000000000:huitou-send',
      batchSize: (senderDef.trigger as QueueTrigger).batchSize,
      maxReceiveCount: 5,
      consumer: sender,
      deadLetterFile: join(dataDir, 'send-dead-letters.jsonl'),
      log: options.log,
    });
    const settle = async (timeoutMs?: number) => {
      await poller.drain(timeoutMs);
      await queue.drain();
      await poller.drain(timeoutMs);
    };

    const schedules = await Promise.all(
      functions
        .flatMap((def) =>
          def.trigger.kind === 'schedule'
            ? [{ def, name: def.trigger.name, everyMinutes: def.trigger.everyMinutes }]
            : [],
        )
        .map(async ({ def, name, everyMinutes }) => {
          const handler = await loadHandler<Record<string, unknown>, Record<string, unknown>>(def);
          return {
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
              // Queued sends and refreshed segments settle before the next firing; idle ticks do not wait.
              return Boolean(result && (Number(result.queued) > 0 || Array.isArray(result.reports)));
            },
          };
        }),
    );
    const scheduler = new LocalScheduler(schedules, settle, options.log);
    if (options.realTimeClock) scheduler.start();
    stops.push(() => scheduler.stop());

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
        if (path.startsWith('/_local/sqs')) return queue.handle(req, body, res);
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
        if (path.startsWith('/_local/shops')) {
          // The operator's routes, as the IAM authorizer hands them over on AWS; loopback only here.
          const event = toApiGatewayEvent(req, body, 'ANY /admin/{proxy+}');
          const result = await admin({
            ...event,
            rawPath: `/admin${path.slice('/_local'.length)}`,
            requestContext: { ...event.requestContext, authorizer: { iam: { userArn: 'local-operator' } } },
          } as APIGatewayProxyEventV2);
          return reply(result);
        }
        const route = matchesHttpRoute(byName('api').trigger as HttpTrigger, method, path);
        if (!route) return send(404, { message: 'Not Found' });
        reply(await api(toApiGatewayEvent(req, body, route)));
      } catch (error) {
        options.log(`local gateway: ${(error as Error).stack ?? error}`);
        send(500, { message: (error as Error).message });
      }
    };
    await new Promise<void>((ok) => server.listen(ports.api, '127.0.0.1', ok));
    stops.push(() => new Promise((r) => server.close(() => r(undefined))));

    if (options.demoShop) {
      const demo = await ensureDemoShop(dataDir, options.inMemory);
      Object.assign(facts, { shopId: demo.shopId, apiKey: demo.apiKey });
      // DynamoDB Local takes minutes for two years of a shop: the API answers meanwhile.
      if (demo.created && options.demoCustomers)
        void fillDemoShop(options.demoCustomers, options.log)
          .then(() => settle(longSettleMs))
          .then(() => options.log('demo shop: history applied to the profiles'))
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
