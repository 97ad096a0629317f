/**
 * The segment refresh engine on one core: 1,000,000 synthetic customers (compact inputs, built
 * before the clock starts) through RFM, lifecycle, activity, flags and three custom rules; then the
 * same RFM + lifecycle in DuckDB SQL over the same figures, which must agree customer by customer.
 * `npx tsx test/bench/segments.ts` prints the figures.
 */

import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { seededRandom } from '../../infra/local/seeded-random.js';
import { refreshShop } from '../../shared/domain/segments/engine.js';
import { type CustomerInput, dayMs } from '../../shared/domain/segments/features.js';
import type { SegmentDefinition } from '../../shared/domain/segments/rules.js';
import { rfmLifecycleSql } from './support/rfm-sql.js';

const now = new Date('2026-11-23T00:00:00.000Z');

const none: readonly string[] = [];

/** A shop's customers: a fifth never bought, most buyers once, a long tail of regulars. */
export function syntheticCustomers(count: number, seed = 2026): CustomerInput[] {
  const rnd = seededRandom(seed);
  const nowMs = now.getTime();
  const out: CustomerInput[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const buyer = rnd() < 0.8;
    const paid = buyer ? 1 + Math.floor(-Math.log(1 - rnd()) * 1.5) : 0;
    const firstAgo = Math.floor(rnd() * 730 * dayMs);
    const lastAgo = paid > 1 ? Math.floor(rnd() * firstAgo) : firstAgo;
    const spend = buyer ? paid * (2_000 + Math.floor(rnd() * 30_000)) : 0;
    const seenAgo = Math.floor(rnd() * (buyer ? lastAgo + dayMs : 400 * dayMs));
    out[i] = {
      customerId: `c${i}`,
      paidOrderCount: paid,
      totalSpend: spend,
      discountedOrderCount: Math.floor(paid * rnd()),
      purchaseDays: paid,
      firstOrderAt: buyer ? nowMs - firstAgo : null,
      lastOrderAt: buyer ? nowMs - lastAgo : null,
      lastSeenAt: nowMs - seenAgo,
      firstOrderDay: null,
      recentContacts: seenAgo < 30 * dayMs ? 1 + Math.floor(rnd() * 4) : 0,
      cartUpdatedAt: rnd() < 0.1 ? nowMs - Math.floor(rnd() * 60 * dayMs) : null,
      unpaidOrders: 0,
      lastUnpaidOrderAt: null,
      interestedCategories: none,
      interestedProducts: none,
      traits: null,
    };
  }
  return out;
}

const definitions: SegmentDefinition[] = [
  {
    id: 'big-spenders-slipping',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'rfm-cell', cells: ['cant-lose-them', 'at-risk'] },
        { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 },
      ],
    },
  },
  {
    id: 'cart-left',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'event', event: 'carted', performed: true, withinDays: 7 },
        { kind: 'not', rule: { kind: 'event', event: 'ordered', performed: true, withinDays: 7 } },
      ],
    },
  },
  {
    id: 'win-back',
    rule: {
      kind: 'any',
      rules: [
        { kind: 'segment', id: 'big-spenders-slipping' },
        { kind: 'lifecycle', stages: ['dormant'] },
      ],
    },
  },
];

async function duckdbRfm(customers: readonly CustomerInput[]) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const db = await instance.connect();
  await db.run(
    'CREATE TABLE buyers_in (id VARCHAR, paid INTEGER, spend BIGINT, first_ms BIGINT, last_ms BIGINT)',
  );
  const appender = await db.createAppender('buyers_in');
  for (const c of customers) {
    appender.appendVarchar(c.customerId);
    appender.appendInteger(c.paidOrderCount);
    appender.appendBigInt(BigInt(c.totalSpend));
    if (c.firstOrderAt === null) appender.appendNull();
    else appender.appendBigInt(BigInt(c.firstOrderAt));
    if (c.lastOrderAt === null) appender.appendNull();
    else appender.appendBigInt(BigInt(c.lastOrderAt));
    appender.endRow();
  }
  appender.closeSync();
  const started = performance.now();
  const reader = await db.runAndReadAll(rfmLifecycleSql(now.getTime()));
  const duckdbMillis = performance.now() - started;
  const rows = reader.getRowObjectsJS() as Array<{
    id: string;
    r: bigint | null;
    f: bigint | null;
    m: bigint | null;
    cell: string | null;
    stage: string;
  }>;
  db.closeSync();
  instance.closeSync();
  return { duckdbMillis, rows };
}

export async function benchSegments(customers = 1_000_000): Promise<{
  customers: number;
  engineMillis: number;
  customersPerSecond: number;
  duckdbMillis: number;
}> {
  const input = syntheticCustomers(customers);
  refreshShop(input.slice(0, 10_000), { timeZone: 'Asia/Shanghai' }, definitions, now); // warm up
  const started = performance.now();
  const result = refreshShop(input, { timeZone: 'Asia/Shanghai' }, definitions, now);
  const engineMillis = performance.now() - started;

  const { duckdbMillis, rows } = await duckdbRfm(input);
  const index = new Map(input.map((c, i) => [c.customerId, i]));
  let differ = 0;
  for (const row of rows) {
    const i = index.get(row.id) as number;
    const f = result.featuresAt(i);
    const same =
      Number(row.r ?? 0) === f.recency &&
      Number(row.f ?? 0) === f.frequency &&
      Number(row.m ?? 0) === f.monetary &&
      row.cell === f.rfmCell &&
      row.stage === f.lifecycle;
    if (!same) differ++;
  }
  if (differ > 0) throw new Error(`${differ} customers differ between the engine and DuckDB`);
  return {
    customers,
    engineMillis,
    customersPerSecond: Math.round(customers / (engineMillis / 1000)),
    duckdbMillis,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchSegments();
  console.log(
    `${r.customers} customers: engine ${r.engineMillis.toFixed(0)} ms ` +
      `(${r.customersPerSecond.toLocaleString('en')} customers/s), ` +
      `DuckDB RFM + lifecycle ${r.duckdbMillis.toFixed(0)} ms; identical customer by customer`,
  );
}
