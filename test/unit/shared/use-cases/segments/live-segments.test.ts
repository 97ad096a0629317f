import { describe, expect, it } from 'vitest';
import { keys } from '../../../../../shared/adapters/dynamodb/keys.js';
import { isBuiltInSegment } from '../../../../../shared/domain/segments/engine.js';
import { liveSegmentsOf } from '../../../../../shared/domain/segments/live.js';
import { applyNewEvents } from '../../../../../shared/use-cases/customers/apply-events.js';
import { liveSegmentsOfShop } from '../../../../../shared/use-cases/segments/live-segments.js';
import { customersWorld } from '../../../../support/customers.js';
import { FakeSegmentDefinitionStore } from '../../../../support/fakes/segment-definitions.js';
import { paidOrder, refunded } from '../../../../support/shop-events.js';

const bigSpender = { id: 'big-spender', rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 } };

function world() {
  const w = customersWorld();
  const live = liveSegmentsOf([bigSpender], isBuiltInSegment);
  const deps = { ...w.deps, liveSegments: async () => live };
  const apply = (raws: unknown[]) => applyNewEvents(deps, w.stored(raws));
  const isMember = (customerId: string) => w.table.has(keys.segmentMember('tea', 'big-spender', customerId));
  return { ...w, apply, isMember };
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
