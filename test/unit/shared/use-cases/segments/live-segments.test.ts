import { describe, expect, it } from 'vitest';
import { keys } from '../../../../../shared/adapters/dynamodb/keys.js';
import type { EmittedEvent } from '../../../../../shared/domain/customers/events.js';
import { normalizeBatch } from '../../../../../shared/domain/customers/normalize.js';
import { isBuiltInSegment } from '../../../../../shared/domain/segments/engine.js';
import { liveSegmentsOf } from '../../../../../shared/domain/segments/live.js';
import { applyNewEvents, changesOf } from '../../../../../shared/use-cases/customers/apply-events.js';
import { changeCustomers } from '../../../../../shared/use-cases/customers/change-customers.js';
import { liveSegmentsOfShop } from '../../../../../shared/use-cases/segments/live-segments.js';
import { customersWorld } from '../../../../support/customers.js';
import { FakeSegmentDefinitionStore } from '../../../../support/fakes/segment-definitions.js';
import { paidOrder, refunded } from '../../../../support/shop-events.js';

const bigSpender = { id: 'big-spender', rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 } };

function world(wanted?: ((event: EmittedEvent) => boolean) | null) {
  const w = customersWorld();
  const live = liveSegmentsOf([bigSpender], isBuiltInSegment);
  const deps = {
    ...w.deps,
    liveSegments: async () => live,
    ...(wanted === undefined ? {} : { segmentEventsWanted: async () => wanted }),
  };
  const apply = (raws: unknown[]) => applyNewEvents(deps, w.stored(raws));
  const isMember = (customerId: string) => w.table.has(keys.segmentMember('tea', 'big-spender', customerId));
  /** The segment events stored, as `<id> <segment>`. */
  const moves = () =>
    w.events
      .all('tea')
      .map((s) => s.event)
      .filter((e) => e.type === 'segment_entered' || e.type === 'segment_left')
      .map((e) => `${e.id} ${(e.properties as { segment: string }).segment}`);
  /** Delivers the stream (the emitted events coming back) with the live segments kept, as the handler does. */
  const settle = async () => {
    for (let batch = w.table.takeStream(); batch.length > 0; batch = w.table.takeStream())
      expect(await applyNewEvents(deps, batch)).toEqual(new Set());
  };
  return { ...w, deps, apply, isMember, moves, settle };
}

describe('live segments kept as events arrive', () => {
  it('joins the customer the moment an order takes their spend over the line, with the member item in the same commit', async () => {
    const w = world();
    await w.apply(paidOrder({ customerId: 'mei' }, 'o1', 300, '2026-10-01T10:00:00Z'));
    expect((await w.customer('mei')).segments).toEqual([]);
    expect(w.isMember('mei')).toBe(false);
    const commits = w.profiles.commits.length;

    await w.apply(paidOrder({ customerId: 'mei' }, 'o2', 250, '2026-10-20T10:00:00Z'));
    expect((await w.customer('mei')).segments).toEqual(['big-spender']);
    expect(w.isMember('mei')).toBe(true);
    const commit = w.profiles.commits.at(-1);
    expect(w.profiles.commits.length).toBe(commits + 1);
    expect(commit).toMatchObject({ atomic: true, memberships: { joined: ['big-spender'], left: [] } });
  });

  it('leaves the segment when a refund takes the spend back under, and writes plainly when nothing moves', async () => {
    const w = world();
    await w.apply([
      ...paidOrder({ customerId: 'mei' }, 'o1', 300, '2026-10-01T10:00:00Z'),
      ...paidOrder({ customerId: 'mei' }, 'o2', 250, '2026-10-20T10:00:00Z'),
    ]);
    await w.apply([refunded({ customerId: 'mei' }, 'o2', 100, '2026-10-25T10:00:00Z')]);
    expect((await w.customer('mei')).segments).toEqual([]);
    expect(w.isMember('mei')).toBe(false);
    await w.apply(paidOrder({ customerId: 'mei' }, 'o3', 20, '2026-10-26T10:00:00Z'));
    expect(w.profiles.commits.at(-1)).toMatchObject({ atomic: false });
    expect(w.profiles.commits.at(-1)?.memberships).toBeUndefined();
  });

  it('emits one segment_entered when the customer crosses the line, named by the version it creates', async () => {
    const w = world();
    await w.apply(paidOrder({ customerId: 'mei' }, 'o1', 300, '2026-10-01T10:00:00Z'));
    expect(w.moves()).toEqual([]);
    await w.apply(paidOrder({ customerId: 'mei' }, 'o2', 250, '2026-10-20T10:00:00Z'));
    expect(w.moves()).toEqual(['segment_entered:mei:2:big-spender big-spender']);
    const [entered] = w.events.all('tea').filter((s) => s.event.type === 'segment_entered');
    expect(entered?.event).toMatchObject({
      customerId: 'mei',
      // At the latest event of the change, as tier_changed.
      occurredAt: '2026-10-20T10:01:00.000Z',
      properties: { segment: 'big-spender' },
    });
    // In the same commit as the member item, and in the profile's outbox until the next commit.
    expect(w.profiles.commits.at(-1)?.emitted.map((e) => e.id)).toContain(
      'segment_entered:mei:2:big-spender',
    );

    // The stream brings it back: it is no activity of Mei's and moves no membership, so nothing is written.
    const attempts = w.profiles.attempts.length;
    await w.settle();
    expect(w.profiles.attempts.length).toBe(attempts);
    expect(w.moves()).toEqual(['segment_entered:mei:2:big-spender big-spender']);
  });

  it('emits nothing twice when a batch is replayed or its commit lost a race', async () => {
    const w = world();
    const batch = [
      ...paidOrder({ customerId: 'mei' }, 'o1', 300, '2026-10-01T10:00:00Z'),
      ...paidOrder({ customerId: 'mei' }, 'o2', 250, '2026-10-20T10:00:00Z'),
    ];
    w.profiles.conflictNextCommits(1);
    await w.apply(batch);
    // Decided twice (the first commit lost), both times naming the event by the version it creates.
    expect(
      w.profiles.attempts.map((p) => p.emitted.flatMap((e) => (e.type === 'segment_entered' ? [e.id] : []))),
    ).toEqual([['segment_entered:mei:1:big-spender'], ['segment_entered:mei:1:big-spender']]);
    await w.apply(batch);
    await w.apply(batch);
    await w.settle();
    expect(w.moves()).toEqual(['segment_entered:mei:1:big-spender big-spender']);
  });

  it('emits segment_left when a refund takes the spend back under, and enters again as a new event', async () => {
    const w = world();
    await w.apply([
      ...paidOrder({ customerId: 'mei' }, 'o1', 300, '2026-10-01T10:00:00Z'),
      ...paidOrder({ customerId: 'mei' }, 'o2', 250, '2026-10-20T10:00:00Z'),
    ]);
    await w.apply([refunded({ customerId: 'mei' }, 'o2', 100, '2026-10-25T10:00:00Z')]);
    await w.apply(paidOrder({ customerId: 'mei' }, 'o3', 80, '2026-10-26T10:00:00Z'));
    await w.settle();
    expect(w.moves()).toEqual([
      'segment_entered:mei:1:big-spender big-spender',
      'segment_left:mei:2:big-spender big-spender',
      'segment_entered:mei:3:big-spender big-spender',
    ]);
  });

  it('moves the membership without an event when no enabled journey listens, or for imported history', async () => {
    const order = [
      ...paidOrder({ customerId: 'mei' }, 'o1', 300, '2026-10-01T10:00:00Z'),
      ...paidOrder({ customerId: 'mei' }, 'o2', 250, '2026-10-20T10:00:00Z'),
    ];
    const unheard = world(null);
    await unheard.apply(order);
    expect(unheard.isMember('mei')).toBe(true);
    expect(unheard.moves()).toEqual([]);

    const heard = world((e) => e.type === 'segment_entered');
    await heard.apply(order);
    await heard.apply([refunded({ customerId: 'mei' }, 'o2', 100, '2026-10-25T10:00:00Z')]);
    expect(heard.isMember('mei')).toBe(false);
    expect(heard.moves()).toEqual(['segment_entered:mei:1:big-spender big-spender']);

    const imported = world();
    const history = normalizeBatch(order, imported.settings, imported.clock.now(), () => []);
    await changeCustomers(
      imported.deps,
      imported.settings,
      changesOf(history).map((c) => ({ ...c, emit: false })),
    );
    expect(imported.isMember('mei')).toBe(true);
    expect(imported.moves()).toEqual([]);
  });

  it('reads the shop’s saved definitions, and lets events through when a saved set does not compile', async () => {
    const definitions = new FakeSegmentDefinitionStore();
    const at = '2026-11-01T00:00:00Z';
    await definitions.put('tea', { ...bigSpender, name: 'Big', createdAt: at, updatedAt: at, version: 1 }, 0);
    expect([...(await liveSegmentsOfShop(definitions, 'tea')).ids]).toEqual(['big-spender']);
    const broken = {
      id: 'broken',
      name: 'x',
      rule: { kind: 'segment', id: 'gone' },
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    await definitions.put('tea', broken, 0);
    expect((await liveSegmentsOfShop(definitions, 'tea')).segments).toEqual([]);
  });
});
