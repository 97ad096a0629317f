/**
 * The nightly segment refresh end to end on the bench's local stack: fired for a synthetic shop of
 * 100,000 customers, its shard tasks go through the local refresh queue to the worker (one at a
 * time here; on AWS the 16 shards run at once), until the run is done. Timed with the meter off;
 * the units come from a run of their own with it on.
 */
import { DynamoRefreshResultStore } from '../../shared/adapters/dynamodb/refresh-result-store.js';
import type { BenchStack } from './support/stack.js';
import { log, round, seconds } from './support/stack.js';
import type { writeSyntheticShop } from './support/synthetic-shop.js';

export interface RefreshResult {
  customers: number;
  /** The first run writes every customer's memberships; the second finds nothing changed. */
  firstRunSeconds: number;
  firstRunChanged: number;
  unchangedRunSeconds: number;
  customersPerSecond: number;
  /** A run as of 120 days later, metered: many customers change stage. */
  metered: { changed: number; readUnitsPerCustomer: number; writeUnitsPerChangedCustomer: number };
}

export async function benchRefresh(
  stack: BenchStack,
  written: Awaited<ReturnType<typeof writeSyntheticShop>>,
): Promise<RefreshResult> {
  const shopId = written.settings.shopId;
  const results = new DynamoRefreshResultStore(stack.doc, stack.runtime.tableName);
  const run = async (asOf?: string) => {
    const started = Date.now();
    await stack.runtime.scheduler.fire('segment-refresh', { shopIds: [shopId], ...(asOf && { asOf }) });
    const { latest } = await results.getSummaries(shopId);
    if (!latest || latest.customers !== written.shop.length)
      throw new Error(`refresh summarised ${latest?.customers} customers, expected ${written.shop.length}`);
    log(`refresh: ${latest.customers} customers, ${latest.changed} changed in ${round(seconds(started))} s`);
    return { seconds: seconds(started), changed: latest.changed };
  };
  const first = await run();
  const unchanged = await run();
  if (unchanged.changed !== 0) throw new Error(`a second refresh changed ${unchanged.changed} customers`);
  stack.meter.reset();
  stack.meter.enabled = true;
  let metered: { changed: number };
  try {
    metered = await run(new Date(Date.now() + 120 * 86_400_000).toISOString());
  } finally {
    stack.meter.enabled = false;
  }
  const bill = stack.meter.bill;
  return {
    customers: written.shop.length,
    firstRunSeconds: round(first.seconds),
    firstRunChanged: first.changed,
    unchangedRunSeconds: round(unchanged.seconds),
    customersPerSecond: Math.round(written.shop.length / unchanged.seconds),
    metered: {
      changed: metered.changed,
      readUnitsPerCustomer: round(bill.readUnits / written.shop.length, 2),
      writeUnitsPerChangedCustomer: round(bill.writeUnits / Math.max(1, metered.changed), 2),
    },
  };
}

export async function refreshSection(
  stack: BenchStack,
  written: Awaited<ReturnType<typeof writeSyntheticShop>>,
): Promise<{ result: unknown; markdown: string }> {
  const r = await benchRefresh(stack, written);
  return {
    result: { ...r, measuredAt: new Date().toISOString() },
    markdown: [
      '## Nightly segment refresh, end to end',
      '',
      `${r.customers.toLocaleString('en')} synthetic customers in the local stack's DynamoDB Local; the refresh fired by hand, its 32 shard tasks (sketch, then apply) run by the local refresh queue's workers, four side by side, until the run is done (on AWS the 16 shards of each phase run at once, and DynamoDB takes the first run's 100,000 transactions in parallel where DynamoDB Local takes them about 125 a second).`,
      '',
      '| measure | value |',
      '|---|---|',
      `| first run (every customer's memberships written) | ${r.firstRunSeconds} s, ${r.firstRunChanged.toLocaleString('en')} customers changed |`,
      `| **run with nothing changed** | **${r.unchangedRunSeconds} s** (${r.customersPerSecond.toLocaleString('en')} customers/s) |`,
      `| run as of 120 days later (metered) | ${r.metered.changed.toLocaleString('en')} customers changed; ${r.metered.readUnitsPerCustomer} read units per customer, ${r.metered.writeUnitsPerChangedCustomer} write units per changed customer (transaction: ×2) |`,
      '',
    ].join('\n'),
  };
}
