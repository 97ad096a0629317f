import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { type ImportOptions, importHistory } from '../../../../../shared/use-cases/intake/import-history.js';
import { type CustomersWorld, customersWorld } from '../../../../support/customers.js';

const customers = ['hist-1', 'hist-2', 'hist-3'];

/** A shop's order export: four paid orders per customer, the customers' orders interleaved. */
const orderRows = Array.from({ length: 12 }, (_, i) => ({
  orderId: `H-${i + 1}`,
  customerId: customers[i % 3],
  placedAt: `2025-${String(i + 1).padStart(2, '0')}-03T10:00:00+08:00`,
  paidAt: `2025-${String(i + 1).padStart(2, '0')}-03T10:01:00+08:00`,
  total: '99.50',
  currency: 'CNY',
}));
const customerRows = customers.map((customerId, i) => ({ customerId, name: `Customer ${i + 1}` }));

function run(world: CustomersWorld, rows: unknown[], options: Partial<ImportOptions> = {}) {
  return importHistory(
    { events: world.events, customers: world.deps },
    world.settings,
    async function* () {
      yield* rows;
    },
    { now: world.clock.now(), ...options },
  );
}

async function statsOfAll(world: CustomersWorld) {
  return Promise.all(customers.map(async (id) => (await world.customer(id)).stats));
}

describe('importing a shop history', () => {
  it('folds each chunk: every customer in a chunk is written once, whatever its rows', async () => {
    const world = customersWorld();
    const report = await run(world, [...customerRows, ...orderRows], { chunkRows: 9 });
    expect(report).toMatchObject({ rows: 15, accepted: 12, duplicates: 0, customers: 3 });
    // Chunk one: three customer rows and six orders; chunk two: six orders.
    for (const id of customers) expect(world.profiles.commitsFor(id)).toBe(2);
    expect(world.profiles.commits).toHaveLength(6);
    expect((await world.customer('hist-1')).stats).toMatchObject({ paidOrderCount: 4, totalSpend: 398 });
    expect((await world.customer('hist-1')).traits).toEqual({ name: 'Customer 1' });
  });

  it('stores the events marked as applied, so the stream does not apply them again', async () => {
    const world = customersWorld();
    await run(world, orderRows);
    const imported = world.events.all('tea');
    expect(imported.map((e) => e.appliedBy)).toEqual(orderRows.map(() => 'import'));
    const attempts = world.profiles.attempts.length;
    await world.settle();
    expect(world.profiles.attempts.length).toBe(attempts);
  });

  it('sets tiers as history left them, with no tier_changed to greet old customers with', async () => {
    const world = customersWorld();
    await run(world, orderRows);
    expect((await world.customer('hist-1')).tier).toBe('member');
    expect(world.events.all('tea').filter((e) => e.event.type === 'tier_changed')).toEqual([]);
  });

  it('counts browsing older than the shop keeps raw browsing, without storing it', async () => {
    const world = customersWorld();
    const view = (id: string, occurredAt: string) => ({
      id,
      type: 'page_viewed',
      occurredAt,
      customerId: 'browser',
      properties: { url: 'https://tea.example/p/longjing', sku: 'longjing', category: 'green tea' },
    });
    const old = new Date(world.clock.now().getTime() - 400 * 86_400_000).toISOString();
    const recent = new Date(world.clock.now().getTime() - 2 * 86_400_000).toISOString();
    await run(world, [view('v-old', old), view('v-recent', recent)]);
    expect((await world.customer('browser')).viewed.products).toEqual([
      expect.objectContaining({ sku: 'longjing', count: 2 }),
    ]);
    expect(world.events.all('tea').map((e) => e.event.id)).toEqual(['v-recent']);
  });

  it('counts nothing twice when the same file is imported again', async () => {
    const world = customersWorld();
    await run(world, orderRows, { chunkRows: 5 });
    const once = await statsOfAll(world);
    const commits = world.profiles.commits.length;

    expect(await run(world, orderRows, { chunkRows: 5 })).toMatchObject({ accepted: 0, duplicates: 12 });
    expect(await statsOfAll(world)).toEqual(once);
    expect(world.profiles.commits.length).toBe(commits);
  });

  it('counts nothing twice after a crash between the profiles and the events, when resumed', async () => {
    const clean = customersWorld();
    await run(clean, orderRows, { chunkRows: 6 });

    const world = customersWorld();
    const paused = await run(world, orderRows, { chunkRows: 6, shouldPause: () => true });
    expect(paused.resumeAt).toBe(6);
    world.events.faults.failNext('appendApplied');
    await expect(run(world, orderRows, { chunkRows: 6, resumeAt: 6 })).rejects.toThrow('injected failure');
    // The continuation is delivered again, days later: orders are facts by id, so still once.
    world.clock.advance({ days: 2 });
    expect(await run(world, orderRows, { chunkRows: 6, resumeAt: 6 })).toMatchObject({
      rows: 12,
      accepted: 6,
    });

    expect(await statsOfAll(world)).toEqual(await statsOfAll(clean));
    expect(world.events.all('tea').filter((e) => e.event.type === 'order_placed')).toHaveLength(12);
  });

  it('writes nothing when any row is wrong, naming each problem by row', async () => {
    const world = customersWorld();
    const rows = [...orderRows];
    rows[1] = { ...orderRows[1], total: 'lots' } as (typeof orderRows)[number];
    rows[7] = { ...orderRows[7], placedAt: '2999-01-01T00:00:00Z' } as (typeof orderRows)[number];
    const error = await run(world, rows)
      .then(() => null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      expect.objectContaining({ index: 1, path: 'row.1.total' }),
      expect.objectContaining({ index: 7, path: 'row.7.occurredAt', message: 'lies in the future' }),
    ]);
    expect(world.table.size()).toBe(0);
    expect(world.profiles.attempts).toEqual([]);
  });
});
