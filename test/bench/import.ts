import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { seededRandom } from '../../infra/local/seeded-random.js';
import { eventItem } from '../../shared/adapters/dynamodb/event-store.js';
import { importDeps } from '../../shared/adapters/dynamodb/import-deps.js';
import { importRows } from '../../shared/adapters/files/import-rows.js';
import { chunk } from '../../shared/domain/collections.js';
import type { StoredEvent } from '../../shared/domain/customers/events.js';
import { normalizeBatch } from '../../shared/domain/customers/normalize.js';
import { rowOf } from '../../shared/domain/intake/history-rows.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import { defaultChunkRows, importHistory } from '../../shared/use-cases/intake/import-history.js';
import {
  type BenchStack,
  getJson,
  log,
  rawBatchWrite,
  round,
  seconds,
  sendEvents,
  writers,
} from './support/stack.js';

export interface ImportFigures {
  orders: number;
  customers: number;
  oneTimers: number;
  events: number;
  chunkRows: number;
  chunks: Array<{ orders: number; seconds: number }>;
  seconds: number;
  rawItemsPerSecond: number[];
  eventsPerSecond: number;
  ratioToRawWrites: number;
  writeUnitsPerOrder: number;
  tableWriteUnitsPerOrder: number;
  indexWriteUnitsPerOrder: number;
  checked: number;
}

interface OrderRow {
  orderId: string;
  customerId: string;
  phone: string;
  placedAt: string;
  paidAt?: string;
  total: number;
  currency: string;
  sku: string;
  category: string;
  couponCode?: string;
  refundedAmount?: number;
  refundedAt?: string;
}

/**
 * A shop's order export: `count` orders over three years in time order, by customers drawn with a
 * square (low numbers buy more: many buy once or twice, a few buy often);
 * each customer with a phone, most orders paid, some with coupons, a few refunded. Seeded: every run
 * imports the same file.
 */
async function writeOrders(
  file: string,
  count: number,
): Promise<{ customers: number; oneTimers: number; sample: OrderRow[] }> {
  const rnd = seededRandom(12345);
  const out = createWriteStream(file);
  const population = Math.max(1, Math.floor(count / 1.5));
  const startMs = Date.now() - (3 * 365 + 30) * 86_400_000;
  const seen = new Map<string, number>();
  const sample: OrderRow[] = [];
  for (let i = 0; i < count; i++) {
    const customer = Math.floor(population * rnd() ** 2);
    const placed = startMs + Math.floor((i / count) * 3 * 365 * 86_400_000);
    const paid = rnd() < 0.95;
    const total = Math.round((20 + rnd() * 400) * 100) / 100;
    const refunded = paid && rnd() < 0.03;
    const row: OrderRow = {
      orderId: `B${i}`,
      customerId: `bc${customer}`,
      // One mobile number per customer (a shared number would merge customers, as it should).
      phone: `+86139${String(customer).padStart(8, '0')}`,
      placedAt: new Date(placed).toISOString(),
      ...(paid ? { paidAt: new Date(placed + 120_000).toISOString() } : {}),
      total,
      currency: 'CNY',
      sku: `SKU-${Math.floor(rnd() * 200)}`,
      category: ['green tea', 'oolong', 'black tea', 'teaware'][Math.floor(rnd() * 4)] as string,
      ...(rnd() < 0.1 ? { couponCode: 'TEA10' } : {}),
      ...(refunded
        ? { refundedAmount: total, refundedAt: new Date(placed + 5 * 86_400_000).toISOString() }
        : {}),
    };
    seen.set(row.customerId, (seen.get(row.customerId) ?? 0) + 1);
    if (customer % 97 === 0) sample.push(row);
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { customers: seen.size, oneTimers: [...seen.values()].filter((n) => n === 1).length, sample };
}

/** An order row as the events a shop sends through the API, with ids of its own. */
function apiEventsOf(row: OrderRow): unknown[] {
  const who = { customerId: row.customerId, phone: row.phone };
  return [
    {
      id: `api-${row.orderId}-placed`,
      type: 'order_placed',
      occurredAt: row.placedAt,
      ...who,
      properties: {
        orderId: row.orderId,
        total: row.total,
        currency: row.currency,
        items: [{ sku: row.sku, category: row.category, price: row.total, quantity: 1 }],
        ...(row.couponCode ? { couponCode: row.couponCode } : {}),
      },
    },
    ...(row.paidAt
      ? [
          {
            id: `api-${row.orderId}-paid`,
            type: 'order_paid',
            occurredAt: row.paidAt,
            ...who,
            properties: { orderId: row.orderId },
          },
        ]
      : []),
    ...(row.refundedAmount
      ? [
          {
            id: `api-${row.orderId}-refund`,
            type: 'order_refunded',
            occurredAt: row.refundedAt,
            ...who,
            properties: { orderId: row.orderId, refundId: `r-${row.orderId}`, amount: row.refundedAmount },
          },
        ]
      : []),
  ];
}

/** The event items an import of these rows stores, for the raw comparison. */
async function eventsOfFile(file: string, settings: ShopSettings, limit: number): Promise<StoredEvent[]> {
  const raws: unknown[] = [];
  let index = 0;
  for await (const raw of importRows(createReadStream(file), 'jsonl')) {
    const row = rowOf(raw, index++, settings);
    if (row.kind === 'events') raws.push(...row.events);
    if (raws.length >= limit) break;
  }
  return chunk(raws.slice(0, limit), 100).flatMap((part) =>
    normalizeBatch(part, settings, new Date(), () => []),
  );
}

/**
 * A history import of `count` orders, timed chunk by chunk, between two raw rounds of BatchWriteItem
 * of the same kind of event items; then the same file imported again into a fresh shop with the
 * meter on for the write units; then a sample of customers checked equal to the same orders sent
 * through the API.
 */
export async function benchImport(stack: BenchStack, count: number): Promise<ImportFigures> {
  const { runtime, doc, meter } = stack;
  const dir = mkdtempSync(join(tmpdir(), 'huitou-bench-import-'));
  const file = join(dir, 'orders.jsonl');
  const { customers, oneTimers, sample } = await writeOrders(file, count);
  const timed = await stack.newShop('bench-import');
  const rawSample = Math.min(20_000, count);
  const rawItems = (tag: string) =>
    eventsOfFile(file, timed.settings, rawSample).then((events) =>
      events.map((e) => ({ ...eventItem({ ...e, shopId: 'bench-raw' }), sk: `RAW#${tag}#${e.id}` })),
    );
  const rawItemsPerSecond = [await rawBatchWrite(doc, runtime.tableName, await rawItems('import-before'))];
  log(
    `import: raw ${round(rawItemsPerSecond[0] ?? 0)} items/s; importing ${count} orders of ${customers} customers`,
  );

  const run = async (settings: ShopSettings, onChunk: (orders: number) => void) => {
    const report = await importHistory(
      importDeps(doc, runtime.tableName, settings),
      settings,
      () => importRows(createReadStream(file), 'jsonl'),
      { now: new Date(), onProgress: (r) => onChunk(r.rows) },
    );
    await runtime.settle(3_600_000);
    return report;
  };
  const chunks: ImportFigures['chunks'] = [];
  const started = Date.now();
  let last = { at: started, rows: 0 };
  const report = await run(timed.settings, (rows) => {
    chunks.push({ orders: rows - last.rows, seconds: seconds(last.at) });
    log(`import: ${rows} orders in ${round(seconds(started), 0)} s`);
    last = { at: Date.now(), rows };
  });
  const importSeconds = seconds(started);
  rawItemsPerSecond.push(await rawBatchWrite(doc, runtime.tableName, await rawItems('import-after')));

  const metered = await stack.newShop('bench-import-metered');
  meter.reset();
  meter.enabled = true;
  await run(metered.settings, () => undefined);
  meter.enabled = false;
  const bill = structuredClone(meter.bill); // a copy: writes still in flight bill the live one

  // The same orders of a sample of customers through POST /v1/events: the same stats.
  const customerIds = [...new Set(sample.map((r) => r.customerId))];
  const own = await readOrdersOf(file, new Set(customerIds));
  const viaApi = await stack.newShop('bench-import-api');
  await sendEvents(runtime.apiUrl, viaApi.key, own.flatMap(apiEventsOf));
  await runtime.settle(3_600_000);
  for (const id of customerIds) {
    const a = await getJson<{ stats: unknown }>(runtime.apiUrl, timed.key, `/v1/customers/${id}`);
    const b = await getJson<{ stats: unknown }>(runtime.apiUrl, viaApi.key, `/v1/customers/${id}`);
    if (!isDeepStrictEqual(a.stats, b.stats))
      throw new Error(`import and API disagree on ${id}: ${JSON.stringify({ a: a.stats, b: b.stats })}`);
  }
  rmSync(dir, { recursive: true, force: true });
  const eventsPerSecond = report.accepted / importSeconds;
  const rawMean = rawItemsPerSecond.reduce((a, b) => a + b, 0) / rawItemsPerSecond.length;
  return {
    orders: report.rows,
    customers,
    oneTimers,
    events: report.accepted,
    chunkRows: defaultChunkRows,
    chunks,
    seconds: importSeconds,
    rawItemsPerSecond,
    eventsPerSecond,
    ratioToRawWrites: eventsPerSecond / rawMean,
    writeUnitsPerOrder: bill.writeUnits / report.rows,
    tableWriteUnitsPerOrder: bill.tableWriteUnits / report.rows,
    indexWriteUnitsPerOrder: bill.indexWriteUnits / report.rows,
    checked: customerIds.length,
  };
}

async function readOrdersOf(file: string, customers: Set<string>): Promise<OrderRow[]> {
  const out: OrderRow[] = [];
  for await (const raw of importRows(createReadStream(file), 'jsonl')) {
    const row = raw as OrderRow;
    if (customers.has(row.customerId)) out.push(row);
  }
  return out;
}

export function importMarkdown(f: ImportFigures): string {
  const per10k = f.chunks.map((c) => (c.seconds / c.orders) * 10_000);
  return [
    '## History import',
    '',
    `${f.orders} orders of ${f.customers} customers over three years (${round((100 * f.oneTimers) / f.customers, 0)}% of them buy once, a few buy often; every customer with a phone; 95% paid, 10% with a coupon, 3% refunded), one JSON line each, through the import \`npm run import\` and the S3 upload run, folded ${f.chunkRows} rows at a time, until every profile was up to date. Raw \`BatchWriteItem\` of ${Math.min(20_000, f.orders)} of the same event items by ${writers} writers before and after it. Write units from a second import of the same file into a fresh shop with the meter on; ${f.checked} customers then checked equal to their orders sent through \`POST /v1/events\`.`,
    '',
    '| chunk | orders | seconds | seconds per 10,000 orders |',
    '|---|---|---|---|',
    ...f.chunks.map((c, i) => `| ${i + 1} | ${c.orders} | ${round(c.seconds)} | ${round(per10k[i] ?? 0)} |`),
    '',
    '| measure | value |',
    '|---|---|',
    `| whole import | ${round(f.seconds)} s (${round(f.orders / f.seconds)} orders/s, ${round(f.eventsPerSecond)} events/s) |`,
    `| raw \`BatchWriteItem\`, before / after | ${f.rawItemsPerSecond.map((r) => round(r)).join(' / ')} items/s |`,
    `| **import ÷ raw** (events stored per second; goal ≥ 0.7) | **${round(f.ratioToRawWrites, 2)}** |`,
    `| **write units per order, as AWS bills them** (goal ≤ 3) | **${round(f.writeUnitsPerOrder, 2)}** |`,
    `| of which table / index writes | ${round(f.tableWriteUnitsPerOrder, 2)} / ${round(f.indexWriteUnitsPerOrder, 2)} |`,
    '',
    `1,000,000 orders, projected linearly from the seconds per 10,000 (a projection, not a run): ${round((Math.max(...per10k) * 100) / 60, 0)} minutes at the slowest chunk's pace on this machine; \`npm run bench -- --orders 1000000\` runs it.`,
    '',
  ].join('\n');
}
