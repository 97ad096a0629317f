import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../../infra/local/seeded-random.js';
import { discoveryDefinitions } from '../../../../../shared/domain/segments/discovery.js';
import { refreshShop } from '../../../../../shared/domain/segments/engine.js';
import { customerInputOf } from '../../../../../shared/domain/segments/features.js';
import {
  customerOrdersOf,
  predictionOf,
} from '../../../../../shared/domain/segments/predictions/from-profile.js';
import { fitShopModel } from '../../../../../shared/domain/segments/predictions/predict.js';
import type { RefreshTask } from '../../../../../shared/ports/segments/refresh-runs.js';
import {
  type RefreshDeps,
  runRefreshTask,
  startRefreshes,
} from '../../../../../shared/use-cases/segments/refresh-segments.js';
import { type CustomersWorld, customersWorld } from '../../../../support/customers.js';
import { FakeRefreshQueue, FakeRefreshRunStore } from '../../../../support/fakes/refresh-runs.js';
import { FakeSegmentDefinitionStore } from '../../../../support/fakes/segment-definitions.js';
import { FakeSegmentStore } from '../../../../support/fakes/segments.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';
import { paidOrder, teaShop, viewed } from '../../../../support/shop-events.js';

const bigBasket = {
  id: 'big-basket',
  name: 'Big baskets',
  rule: { kind: 'stat', stat: 'averageOrderValue', op: 'gte', value: 150 },
};

/** Sixty customers with one to six orders over two years, amounts 20-300, and a few browsers. */
async function shop() {
  const world = customersWorld();
  const random = seededRandom(7);
  const events: unknown[] = [];
  for (let c = 0; c < 60; c++) {
    const orders = 1 + Math.floor(random() * 6);
    for (let o = 0; o < orders; o++) {
      const at = new Date(world.clock.now().getTime() - random() * 730 * 86_400_000).toISOString();
      events.push(...paidOrder({ customerId: `c${c}` }, `c${c}-${o}`, 20 + Math.round(random() * 280), at));
    }
  }
  for (let b = 0; b < 5; b++) events.push(viewed({ customerId: `b${b}` }, 'puer', '2026-10-30T10:00:00Z'));
  await world.apply(events);
  const shops = new FakeShopStore();
  await shops.putShop(world.settings);
  const definitions = new FakeSegmentDefinitionStore();
  await definitions.put(
    'tea',
    { ...bigBasket, createdAt: world.clock.iso(), updatedAt: world.clock.iso(), version: 1 },
    0,
  );
  const segments = new FakeSegmentStore(world.table, 3);
  const runs = new FakeRefreshRunStore();
  const queue = new FakeRefreshQueue();
  const deps: RefreshDeps = {
    shops,
    segments,
    definitions,
    results: world.results,
    runs,
    queue,
    clock: world.clock.now,
  };
  return { world, deps, segments, runs, queue };
}

/** The same refresh computed in one pass over every customer: what any fan-out must agree with. */
async function onePass(world: CustomersWorld, asOf: Date) {
  const live = world.table
    .scan('SHOP#tea#CUST#')
    .flatMap(({ item }) => (item.type === 'profile' && !item.stored.mergedInto ? [item.stored.profile] : []));
  const tz = world.settings.timeZone;
  const model = fitShopModel(
    live.map((p) => customerOrdersOf(p.activity, tz)),
    { asOf: asOf.toISOString() },
  );
  const inputs = live.map((p) => {
    const prediction = predictionOf(model, p.activity, tz, asOf.toISOString());
    return {
      ...customerInputOf(p, tz, asOf),
      pAlive: prediction?.pAlive ?? null,
      predictedOrderAt: prediction?.nextOrderAt ? Date.parse(prediction.nextOrderAt) : null,
    };
  });
  const result = refreshShop(inputs, { timeZone: tz }, [bigBasket, ...discoveryDefinitions], asOf);
  return {
    model,
    segments: new Map(live.map((p, i) => [p.customerId, [...(result.segments[i] ?? [])].sort()])),
    summary: result.summary,
  };
}

async function memberships(world: CustomersWorld) {
  const live = world.table
    .scan('SHOP#tea#CUST#')
    .flatMap(({ item }) => (item.type === 'profile' && !item.stored.mergedInto ? [item.stored.profile] : []));
  return new Map(live.map((p) => [p.customerId, [...p.segments].sort()]));
}

async function listed(segments: FakeSegmentStore, segmentId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await segments.membersOf('tea', segmentId, { limit: 7, cursor });
    ids.push(...page.customerIds);
    cursor = page.cursor;
  } while (cursor);
  return ids.sort();
}

describe('the nightly segment refresh, fanned out over shards', () => {
  it('agrees with one pass over every customer, run by four workers in random order with every task delivered twice', async () => {
    const { world, deps, segments, queue } = await shop();
    const [run] = await startRefreshes(deps, { shopIds: ['tea'] });
    expect(run).toMatchObject({ shopId: 'tea', phase: 'sketch', shards: 16 });
    const random = seededRandom(3);
    const delivered = new Set<string>();
    await queue.drain(
      4,
      async (task: RefreshTask) => {
        await runRefreshTask(deps, task);
        // SQS delivers at least once: each task comes round a second time, later.
        const id = JSON.stringify(task);
        if (!delivered.has(id)) {
          delivered.add(id);
          await queue.enqueue([task]);
        }
      },
      (waiting) => Math.floor(random() * waiting),
    );

    const expected = await onePass(world, world.clock.now());
    expect(await memberships(world)).toEqual(expected.segments);
    const { fitMillis: _a, ...model } = (await world.results.getModel('tea')) ?? { fitMillis: 0 };
    const { fitMillis: _b, ...expectedModel } = expected.model;
    expect(model).toEqual(expectedModel);
    const { latest } = await world.results.getSummaries('tea');
    expect(latest).toMatchObject({ ...expected.summary, runId: run?.runId, changed: 65 });
    expect(await deps.runs.get('tea', run?.runId ?? '')).toMatchObject({ phase: 'done' });

    // Every segment's listing holds exactly the customers whose list names it.
    const bySegment = new Map<string, string[]>();
    for (const [customerId, ids] of expected.segments)
      for (const id of ids) bySegment.set(id, [...(bySegment.get(id) ?? []), customerId]);
    expect(bySegment.get('big-basket')?.length).toBeGreaterThan(0);
    for (const [segmentId, customers] of bySegment)
      expect(await listed(segments, segmentId)).toEqual(customers.sort());
  });

  it('writes only the memberships that changed when run again', async () => {
    const { deps, segments, queue } = await shop();
    await startRefreshes(deps, { shopIds: ['tea'] });
    await queue.drain(2, (t) => runRefreshTask(deps, t));
    const writes = segments.writes.length;
    deps.clock = () => new Date(Date.parse('2026-11-02T08:00:00.000Z') + 60_000);
    await startRefreshes(deps, { shopIds: ['tea'] });
    await queue.drain(2, (t) => runRefreshTask(deps, t));
    expect(segments.writes.length).toBe(writes);
    expect((await deps.results.getSummaries('tea')).latest).toMatchObject({ changed: 0 });
  });

  it('finishes a phase when the worker that counted the last shard crashed before queueing the next', async () => {
    const { world, deps, runs, queue } = await shop();
    await startRefreshes(deps, { shopIds: ['tea'] });
    // The sketch phase's last worker dies just after its count: the task comes back from SQS.
    runs.faults.failNext('advance');
    const { failures } = await queue.drain(1, (t) => runRefreshTask(deps, t));
    expect(failures).toBe(1);
    expect(await memberships(world)).toEqual((await onePass(world, world.clock.now())).segments);
  });

  it('leaves a customer who changed meanwhile for the next run, and places them then', async () => {
    const { world, deps, segments, queue } = await shop();
    segments.beforeSetSegments = async (customerId) => {
      if (customerId !== 'c3') return;
      segments.beforeSetSegments = undefined;
      await world.apply(paidOrder({ customerId: 'c3' }, 'late', 60, '2026-11-01T10:00:00Z'));
    };
    await startRefreshes(deps, { shopIds: ['tea'] });
    await queue.drain(3, (t) => runRefreshTask(deps, t));
    expect((await memberships(world)).get('c3')).toEqual([]);
    world.clock.advance({ minutes: 1 });
    await startRefreshes(deps, { shopIds: ['tea'] });
    await queue.drain(3, (t) => runRefreshTask(deps, t));
    expect((await memberships(world)).get('c3')).toEqual(
      (await onePass(world, world.clock.now())).segments.get('c3'),
    );
  });

  it('computes as of another instant when asked', async () => {
    const { world, deps, queue } = await shop();
    const ahead = new Date(world.clock.now().getTime() + 400 * 86_400_000);
    const [run] = await startRefreshes(deps, { shopIds: ['tea'], asOf: ahead.toISOString() });
    expect(run?.asOf).toBe(ahead.toISOString());
    await queue.drain(4, (t) => runRefreshTask(deps, t));
    const expected = await onePass(world, ahead);
    expect(await memberships(world)).toEqual(expected.segments);
    expect(
      [...expected.segments.values()].filter((s) => s.includes('lifecycle:lost')).length,
    ).toBeGreaterThan(0);
  });

  it('starts each shop in its own 02:00 hour, once per tick, or the shops named whenever', async () => {
    const { world, deps, queue } = await shop();
    await deps.shops.putShop(teaShop({ shopId: 'london-tea', timeZone: 'Europe/London' }));
    const at = (iso: string) => {
      deps.clock = () => new Date(iso);
    };
    at('2026-11-02T18:30:00Z'); // 02:30 in Shanghai
    expect((await startRefreshes(deps)).map((r) => r.shopId)).toEqual(['tea']);
    expect((await startRefreshes(deps)).map((r) => r.shopId)).toEqual(['tea']);
    expect(queue.queued.filter((t) => t.shopId === 'tea' && t.phase === 'sketch')).toHaveLength(32);
    at('2026-11-03T02:30:00Z'); // 02:30 in London
    expect((await startRefreshes(deps)).map((r) => r.shopId)).toEqual(['london-tea']);
    expect((await startRefreshes(deps, { shopIds: ['tea'] })).map((r) => r.shopId)).toEqual(['tea']);
    expect(world.settings.shopId).toBe('tea');
  });
});

describe('a shop that replaced its tier ladder', () => {
  const ladder = [
    { name: 'leaf', minSpend: 0, priceFactor: 1 },
    { name: 'bud', minSpend: 300, priceFactor: 0.95 },
    { name: 'flower', minSpend: 900, priceFactor: 0.9 },
  ];
  const tiered = (world: CustomersWorld) =>
    new Map(
      world.table
        .scan('SHOP#tea#CUST#')
        .flatMap(({ item }) =>
          item.type === 'profile' && !item.stored.mergedInto
            ? [[item.stored.profile.customerId, item.stored.profile.tier] as const]
            : [],
        ),
    );
  const tierChanges = (world: CustomersWorld) =>
    world.events
      .all('tea')
      .map((s) => s.event)
      .filter((e) => e.type === 'tier_changed');

  it('has every customer re-tiered by the night’s refresh, each once with a tier_changed, and nobody twice when run again', async () => {
    const { world, deps, queue } = await shop();
    deps.customers = { profiles: world.profiles, clock: world.clock.now };
    const shops = deps.shops as FakeShopStore;
    await shops.putShop({ ...world.settings, tiers: ladder });
    const before = tiered(world);
    const earlier = new Set(tierChanges(world).map((e) => e.id));
    await startRefreshes(deps, { shopIds: ['tea'] });
    await queue.drain(2, (t) => runRefreshTask(deps, t));

    // Every customer is in the tier the new ladder gives their net spend; those who moved announced it.
    const after = tiered(world);
    const moved = [...after].filter(([id, tier]) => before.get(id) !== tier);
    expect(moved.length).toBeGreaterThan(10);
    for (const [id, tier] of after) {
      const stats = await world.stats(id);
      const expected =
        stats.paidOrderCount === 0
          ? null
          : [...ladder].reverse().find((t) => stats.totalSpend >= t.minSpend)?.name;
      expect(tier, id).toBe(expected);
    }
    const announced = tierChanges(world).filter((e) => !earlier.has(e.id));
    expect(announced.map((e) => e.customerId).sort()).toEqual(moved.map(([id]) => id).sort());
    expect(announced.every((e) => ['leaf', 'bud', 'flower'].includes(e.properties.to as string))).toBe(true);

    deps.clock = () => new Date(world.clock.now().getTime() + 60_000);
    await startRefreshes(deps, { shopIds: ['tea'] });
    await queue.drain(2, (t) => runRefreshTask(deps, t));
    expect(tierChanges(world).length).toBe(earlier.size + announced.length);
  });
});

describe('a shop’s own segment thresholds', () => {
  it('are what the refresh goes by', async () => {
    const { world, deps, queue } = await shop();
    const first = async () => {
      await startRefreshes(deps, { shopIds: ['tea'] });
      await queue.drain(2, (t) => runRefreshTask(deps, t));
      const ids = [...(await memberships(world))].filter(([, s]) => s.includes('lifecycle:honeymoon'));
      return ids.length;
    };
    const withDefaults = await first();
    world.clock.advance({ minutes: 1 });
    await deps.shops.putShop({ ...world.settings, segments: { lifecycle: { honeymoonDays: 365 } } });
    const withLongHoneymoon = await first();
    expect(withLongHoneymoon).toBeGreaterThan(withDefaults);
  });
});
