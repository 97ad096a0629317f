import { describe, expect, it } from 'vitest';
import { applyEvents, newProfile } from '../../../../../shared/domain/customers/profile.js';
import { isBuiltInSegment } from '../../../../../shared/domain/segments/engine.js';
import { liveMembershipChange, liveSegmentsOf } from '../../../../../shared/domain/segments/live.js';
import { customersWorld } from '../../../../support/customers.js';
import { paidOrder, teaShop } from '../../../../support/shop-events.js';

const definitions = [
  { id: 'big-spender', rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 } },
  { id: 'vip-tagged', rule: { kind: 'tag', tag: 'vip' } },
  {
    id: 'big-vip',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'segment', id: 'big-spender' },
        { kind: 'segment', id: 'vip-tagged' },
      ],
    },
  },
  { id: 'recent', rule: { kind: 'stat', stat: 'daysSinceLastOrder', op: 'lt', value: 30 } },
  {
    id: 'big-recent',
    rule: {
      kind: 'all',
      rules: [
        { kind: 'segment', id: 'big-spender' },
        { kind: 'segment', id: 'recent' },
      ],
    },
  },
  {
    id: 'champions-too',
    rule: {
      kind: 'any',
      rules: [
        { kind: 'rfm-cell', cells: ['champions'] },
        { kind: 'tag', tag: 'vip' },
      ],
    },
  },
];

describe('live segments', () => {
  it('are the custom segments whose rules read only the customer’s own facts, through references too', () => {
    const live = liveSegmentsOf(definitions, isBuiltInSegment);
    expect([...live.ids].sort()).toEqual(['big-spender', 'big-vip', 'vip-tagged']);
    expect(live.segments.map((s) => s.id)).toEqual(['big-spender', 'vip-tagged', 'big-vip']);
  });

  it('recompute only the live memberships, keeping what the nightly refresh decided', () => {
    const live = liveSegmentsOf(definitions, isBuiltInSegment);
    const shop = teaShop();
    const now = new Date('2026-11-02T08:00:00Z');
    const world = customersWorld(shop);
    const events = world.stored([
      ...paidOrder({ customerId: 'mei' }, 'o1', 300, '2026-10-01T10:00:00Z'),
      ...paidOrder({ customerId: 'mei' }, 'o2', 250, '2026-10-20T10:00:00Z'),
    ]);
    const { profile } = applyEvents(newProfile('tea', 'mei', now.toISOString()), events, shop);
    const before = {
      ...profile,
      traits: { ...profile.traits, tags: ['vip'] },
      segments: ['recent', 'rfm:loyal'],
    };
    expect(liveMembershipChange(before, live, shop.timeZone, now)).toEqual({
      segments: ['big-spender', 'big-vip', 'recent', 'rfm:loyal', 'vip-tagged'],
      joined: ['big-spender', 'big-vip', 'vip-tagged'],
      left: [],
    });
    const settled = { ...before, segments: ['big-spender', 'big-vip', 'recent', 'rfm:loyal', 'vip-tagged'] };
    expect(liveMembershipChange(settled, live, shop.timeZone, now)).toBeNull();
    const untagged = { ...settled, traits: { ...settled.traits, tags: [] } };
    expect(liveMembershipChange(untagged, live, shop.timeZone, now)).toEqual({
      segments: ['big-spender', 'recent', 'rfm:loyal'],
      joined: [],
      left: ['big-vip', 'vip-tagged'],
    });
  });
});
