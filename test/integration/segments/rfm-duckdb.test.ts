import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { demoShop } from '../../../infra/local/demo-shop.js';
import { chunk } from '../../../shared/domain/collections.js';
import type { StoredEvent } from '../../../shared/domain/customers/events.js';
import { normalizeBatch } from '../../../shared/domain/customers/normalize.js';
import { applyEvents, newProfile } from '../../../shared/domain/customers/profile.js';
import { refreshShop } from '../../../shared/domain/segments/engine.js';
import { customerInputOf } from '../../../shared/domain/segments/features.js';
import { defaultShopSettings } from '../../../shared/domain/shops/shop.js';
import { rfmLifecycleSql } from '../../bench/support/rfm-sql.js';

/**
 * The engine against an independent reading of the written rules: the demo shop's customers go
 * through the domain reducer into profiles and through the engine; its raw order events go into
 * DuckDB, where plain SQL derives paid orders and net amounts and applies README.md's rules.
 */

const end = new Date('2026-11-23T08:00:00Z');
const shop = demoShop({ seed: 11, customers: 3000, end });
const settings = defaultShopSettings('demo', 'Demo Tea House', end.toISOString());

function engineRun() {
  const events = chunk(shop.events, 100).flatMap((part) =>
    normalizeBatch(part, settings, end, (i) => ['events', i]),
  );
  const byCustomer = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const id = e.customerId as string;
    byCustomer.set(id, [...(byCustomer.get(id) ?? []), e]);
  }
  const inputs = shop.customers.map(({ customerId, ...traits }) => {
    const blank = { ...newProfile('demo', customerId, end.toISOString()), traits };
    const { profile } = applyEvents(blank, byCustomer.get(customerId) ?? [], settings);
    return customerInputOf(profile, settings.timeZone, end);
  });
  return { inputs, result: refreshShop(inputs, { timeZone: settings.timeZone }, [], end) };
}

async function duckdbRun() {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(`CREATE TABLE customers (id VARCHAR)`);
  await db.run(
    `CREATE TABLE ev (type VARCHAR, customer VARCHAR, order_id VARCHAR, at_ms BIGINT, total DOUBLE,
      refund_id VARCHAR, amount DOUBLE)`,
  );
  const customers = await db.createAppender('customers');
  for (const c of shop.customers) {
    customers.appendVarchar(c.customerId);
    customers.endRow();
  }
  customers.closeSync();
  const ev = await db.createAppender('ev');
  const text = (v: unknown) => (typeof v === 'string' ? ev.appendVarchar(v) : ev.appendNull());
  const number = (v: unknown) => (typeof v === 'number' ? ev.appendDouble(v) : ev.appendNull());
  for (const e of shop.events) {
    if (!e.type.startsWith('order_')) continue;
    ev.appendVarchar(e.type);
    ev.appendVarchar(e.customerId);
    text(e.properties.orderId);
    ev.appendBigInt(BigInt(Date.parse(e.occurredAt)));
    number(e.properties.total);
    text(e.properties.refundId);
    number(e.properties.amount);
    ev.endRow();
  }
  ev.closeSync();
  // An order counts once placed and paid, unless refunded in full; its amount is net of refunds.
  await db.run(`
    CREATE TABLE buyers_in AS
    WITH placed AS (
      SELECT order_id, customer, at_ms AS placed_ms, round(total * 100)::BIGINT AS total
      FROM ev WHERE type = 'order_placed'
    ),
    paid AS (SELECT DISTINCT order_id FROM ev WHERE type = 'order_paid'),
    refunds AS (
      SELECT order_id, sum(round(amount * 100)::BIGINT) AS refunded
      FROM (SELECT DISTINCT ON (order_id, refund_id) * FROM ev WHERE type = 'order_refunded')
      GROUP BY order_id
    ),
    orders AS (
      SELECT p.customer, p.placed_ms, greatest(0, p.total - coalesce(r.refunded, 0)) AS net,
        paid.order_id IS NOT NULL AND NOT (p.total > 0 AND p.total - coalesce(r.refunded, 0) <= 0) AS is_paid
      FROM placed p LEFT JOIN paid USING (order_id) LEFT JOIN refunds r USING (order_id)
    )
    SELECT c.id,
      count(o.customer)::INTEGER AS paid,
      coalesce(sum(o.net), 0)::BIGINT AS spend,
      min(o.placed_ms) AS first_ms,
      max(o.placed_ms) AS last_ms
    FROM customers c LEFT JOIN orders o ON o.customer = c.id AND o.is_paid
    GROUP BY c.id`);
  const rows = (await db.runAndReadAll(rfmLifecycleSql(end.getTime()))).getRowObjectsJS();
  db.closeSync();
  instance.closeSync();
  return new Map(rows.map((r) => [String(r.id), r]));
}

describe('RFM and lifecycle on the demo shop, engine against DuckDB SQL', () => {
  it('agree customer by customer', async () => {
    const { inputs, result } = engineRun();
    const sql = await duckdbRun();
    const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    const engine = inputs.map((c, i) => {
      const f = result.featuresAt(i);
      return [c.customerId, f.recency, f.frequency, f.monetary, f.rfmCell, f.gold, f.lifecycle];
    });
    const expected = inputs.map(({ customerId }) => {
      const row = sql.get(customerId);
      return [customerId, num(row?.r), num(row?.f), num(row?.m), row?.cell ?? null, row?.gold, row?.stage];
    });
    expect(engine).toEqual(expected);
    // Not a vacuous match: the shop has buyers in many cells and every stage past new.
    expect(result.cuts.buyers).toBeGreaterThan(1000);
    expect(new Set(engine.map((e) => e[4])).size).toBeGreaterThan(8);
    expect(new Set(engine.map((e) => e[6])).size).toBeGreaterThanOrEqual(6);
  });
});
