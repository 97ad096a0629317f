import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../../../shared/domain/errors.js';
import type { ShopSummary } from '../../../../../shared/domain/segments/engine.js';
import { parseBody } from '../../../../../shared/http/responses.js';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  newSegmentSchema,
  segmentUpdateSchema,
  slugOf,
  updateSegment,
} from '../../../../../shared/use-cases/segments/segment-definitions.js';
import { FakeClock } from '../../../../support/fakes/clock.js';
import { FakeRefreshResultStore } from '../../../../support/fakes/refresh-results.js';
import { FakeSegmentDefinitionStore } from '../../../../support/fakes/segment-definitions.js';
import { teaShop } from '../../../../support/shop-events.js';

const shop = teaShop();
const big = { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 };

function world() {
  const clock = new FakeClock('2026-11-02T08:00:00.000Z');
  const deps = {
    definitions: new FakeSegmentDefinitionStore(),
    results: new FakeRefreshResultStore(),
    clock: clock.now,
  };
  // As the routes do: the body checked against its schema, then the use case.
  const create = async (body: unknown) => createSegment(deps, shop, parseBody(newSegmentSchema, body));
  const update = async (id: string, body: unknown) =>
    updateSegment(deps, shop, id, parseBody(segmentUpdateSchema, body));
  return { clock, deps, create, update };
}

async function issuesOf(action: () => Promise<unknown>): Promise<string[]> {
  const error = await action().then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ValidationError))
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('creating a segment', () => {
  it('saves it at version 1, with an id made from the name when none is given', async () => {
    const { create, deps } = world();
    const saved = await create({ name: 'Big spenders — Zhejiang', description: 'over 500', rule: big });
    expect(saved).toEqual({
      id: 'big-spenders-zhejiang',
      name: 'Big spenders — Zhejiang',
      description: 'over 500',
      rule: big,
      createdAt: '2026-11-02T08:00:00.000Z',
      updatedAt: '2026-11-02T08:00:00.000Z',
      version: 1,
    });
    expect(await getSegment(deps, shop, 'big-spenders-zhejiang')).toEqual(saved);
    // The same name again gets the next free slug; a name of no Latin letters gets a plain one.
    expect((await create({ name: 'Big spenders: Zhejiang', rule: big })).id).toBe('big-spenders-zhejiang-2');
    expect((await create({ name: '高价值客户', rule: big })).id).toBe('segment');
  });

  it('refuses an id that exists, is built in, is a route word or is in another namespace', async () => {
    const { create } = world();
    await create({ id: 'vip', name: 'VIP', rule: big });
    await expect(create({ id: 'vip', name: 'VIP again', rule: big })).rejects.toThrow(ConflictError);
    expect(await issuesOf(() => create({ id: 'gold', name: 'x', rule: big }))).toEqual([
      'id: is a built-in segment',
    ]);
    expect(await issuesOf(() => create({ id: 'discover', name: 'x', rule: big }))).toEqual([
      'id: is reserved',
    ]);
    expect(await issuesOf(() => create({ id: 'discover:vip', name: 'x', rule: big }))).toEqual([
      'id: lower-case letters, digits, - and _, at most 64',
    ]);
  });

  it('reports a bad rule by path: shape, unknown segments, and it may refer to discovery groups', async () => {
    const { create } = world();
    expect(
      await issuesOf(() =>
        create({
          name: 'x',
          rule: {
            kind: 'all',
            rules: [
              { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 'lots' },
              { kind: 'segment', id: 'nowhere' },
            ],
          },
        }),
      ),
    ).toEqual(['rule.rules.0.value: Invalid input: expected number, received string']);
    expect(
      await issuesOf(() =>
        create({ name: 'x', rule: { kind: 'any', rules: [big, { kind: 'segment', id: 'nowhere' }] } }),
      ),
    ).toEqual(['rule.rules.1.id: no segment nowhere']);
    const saved = await create({ name: 'x', rule: { kind: 'segment', id: 'discover:dormant-gold' } });
    expect(saved.id).toBe('x');
  });
});

describe('updating a segment', () => {
  it('replaces it at the next version, keeping when it was created', async () => {
    const { create, update, clock } = world();
    await create({ id: 'vip', name: 'VIP', description: 'old', rule: big });
    clock.advance({ days: 1 });
    const updated = await update('vip', { name: 'VIPs', rule: { kind: 'gold' }, version: 1 });
    expect(updated).toEqual({
      id: 'vip',
      name: 'VIPs',
      rule: { kind: 'gold' },
      createdAt: '2026-11-02T08:00:00.000Z',
      updatedAt: '2026-11-03T08:00:00.000Z',
      version: 2,
    });
  });

  it('refuses a stale version, and a write that lost a race', async () => {
    const { create, update, deps } = world();
    await create({ id: 'vip', name: 'VIP', rule: big });
    await update('vip', { name: 'VIP', rule: big, version: 1 });
    await expect(update('vip', { name: 'VIP', rule: big, version: 1 })).rejects.toThrow(
      /vip has changed since version 1/,
    );
    // Someone else writes between the read and the write.
    deps.definitions.beforePut = async () => {
      deps.definitions.beforePut = undefined;
      await update('vip', { name: 'theirs', rule: big });
    };
    await expect(update('vip', { name: 'mine', rule: big })).rejects.toThrow(ConflictError);
    expect((await getSegment(deps, shop, 'vip')).name).toBe('theirs');
  });

  it('refuses a rule that would close a cycle, naming where it closes', async () => {
    const { create, update } = world();
    await create({ id: 'a', name: 'A', rule: big });
    await create({ id: 'b', name: 'B', rule: { kind: 'segment', id: 'a' } });
    expect(await issuesOf(() => update('a', { name: 'A', rule: { kind: 'segment', id: 'b' } }))).toEqual([
      'rule: refers to itself through a → b → a (at segment b)',
    ]);
  });

  it('is a 404 for a segment that does not exist', async () => {
    const { update } = world();
    await expect(update('ghost', { name: 'x', rule: big })).rejects.toThrow(NotFoundError);
  });
});

describe('deleting a segment', () => {
  it('is refused while another segment refers to it, then allowed', async () => {
    const { create, deps } = world();
    await create({ id: 'a', name: 'A', rule: big });
    await create({ id: 'b', name: 'B', rule: { kind: 'not', rule: { kind: 'segment', id: 'a' } } });
    await expect(deleteSegment(deps, shop, 'a')).rejects.toThrow('segment a is used by b');
    await deleteSegment(deps, shop, 'b');
    await deleteSegment(deps, shop, 'a');
    expect(await deps.definitions.list(shop.shopId)).toEqual([]);
    await expect(deleteSegment(deps, shop, 'a')).rejects.toThrow(NotFoundError);
    await expect(getSegment(deps, shop, 'a')).rejects.toThrow(NotFoundError);
  });
});

describe('listing segments', () => {
  const summary = (counts: Record<string, number>): ShopSummary => ({
    customers: 10,
    buyers: 8,
    counts,
    revenue: 0,
    goldRevenue: 0,
    goldRevenueShare: 0,
    revenueBySegment: {},
    paidOrdersBySegment: {},
    shopIntervalDays: null,
  });

  it('gives no counts before the first refresh', async () => {
    const { create, deps } = world();
    await create({ id: 'vip', name: 'VIP', rule: big });
    const listing = await listSegments(deps, shop);
    expect(listing.refreshedAt).toBeNull();
    expect(listing.custom).toMatchObject([{ id: 'vip', members: null }]);
    expect(listing.builtIn).toContainEqual({ id: 'rfm:champions', members: null });
  });

  it('gives the latest refresh’s counts, none for a segment changed since', async () => {
    const { create, update, deps, clock } = world();
    await create({ id: 'vip', name: 'VIP', rule: big });
    await create({ id: 'new', name: 'New', rule: big });
    clock.advance({ hours: 1 });
    await deps.results.saveSummary(shop.shopId, {
      ...summary({ vip: 3, gold: 2, 'interested:puer': 4, 'discover:due-soon': 1 }),
      runId: clock.iso(),
      asOf: clock.iso(),
      finishedAt: clock.iso(),
      changed: 0,
    });
    clock.advance({ hours: 1 });
    await update('new', { name: 'New', rule: { kind: 'gold' } });
    const listing = await listSegments(deps, shop);
    expect(listing.refreshedAt).toBe('2026-11-02T09:00:00.000Z');
    expect(listing.custom.map((d) => [d.id, d.members])).toEqual([
      ['new', null],
      ['vip', 3],
    ]);
    expect(listing.builtIn).toContainEqual({ id: 'gold', members: 2 });
    expect(listing.builtIn).toContainEqual({ id: 'rfm:lost', members: 0 });
    expect(listing.builtIn).toContainEqual({ id: 'interested:puer', members: 4 });
    expect(listing.builtIn).toContainEqual({
      id: 'discover:due-soon',
      name: 'Next order predicted within 7 days',
      members: 1,
    });
  });
});

describe('slugOf', () => {
  it('drops accents and keeps ids short enough for a -n suffix, ending on no dash', () => {
    const id = slugOf(`${'Très '.repeat(30)}!`, new Set());
    expect(id).toBe('tres-'.repeat(12).slice(0, 56));
    expect(slugOf('Très  ', new Set(['tres', 'tres-2']))).toBe('tres-3');
  });
});
