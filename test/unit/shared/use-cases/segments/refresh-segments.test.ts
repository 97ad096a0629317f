import { describe, expect, it } from 'vitest';
import {
  refreshDueShops,
  refreshShopSegments,
} from '../../../../../shared/use-cases/segments/refresh-segments.js';
import { type CustomersWorld, customersWorld } from '../../../../support/customers.js';
import { FakeSegmentStore } from '../../../../support/fakes/segments.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';
import { paidOrder, teaShop, viewed } from '../../../../support/shop-events.js';

/** Alice bought last week, Bob in March, Carol only browses. The clock reads 2026-11-02. */
async function shopWithCustomers() {
  const world = customersWorld();
  await world.apply([
    ...paidOrder({ customerId: 'alice' }, 'a1', 120, '2026-10-26T10:00:00Z'),
    ...paidOrder({ customerId: 'bob' }, 'b1', 80, '2026-03-01T10:00:00Z'),
    viewed({ customerId: 'carol' }, 'puer', '2026-10-30T10:00:00Z'),
  ]);
  return { world, segments: new FakeSegmentStore(world.table) };
}

async function segmentsOf(world: CustomersWorld, customerId: string) {
  return (await world.customer(customerId)).segments;
}

describe('refreshing time-dependent segments', () => {
  it('writes only the memberships that changed, keeping segments that are not about time', async () => {
    const { world, segments } = await shopWithCustomers();
    const alice = (await world.profiles.getProfiles('tea', ['alice'])).get('alice');
    await segments.setMemberships('tea', 'alice', alice?.version ?? 0, {
      segments: ['tag:tea-lover'],
      joined: ['tag:tea-lover'],
      left: [],
    });

    expect(await refreshShopSegments(segments, world.settings, world.clock.now())).toEqual({
      shopId: 'tea',
      customers: 3,
      changed: 3,
    });
    expect(await segmentsOf(world, 'alice')).toEqual([
      'activity:active',
      'lifecycle:honeymoon',
      'tag:tea-lover',
    ]);
    expect(await segmentsOf(world, 'bob')).toEqual(['activity:dormant', 'lifecycle:dormant']);

    const writes = segments.writes.length;
    expect(await refreshShopSegments(segments, world.settings, world.clock.now())).toMatchObject({
      changed: 0,
    });
    expect(segments.writes.length).toBe(writes);

    // A hundred days on, Alice is at risk and Carol dormant; Bob was dormant already.
    const report = await refreshShopSegments(segments, world.settings, world.clock.advance({ days: 100 }));
    expect(report).toMatchObject({ changed: 2 });
    expect(
      segments.writes
        .slice(writes)
        .map((w) => w.customerId)
        .sort(),
    ).toEqual(['alice', 'carol']);
    expect(await segmentsOf(world, 'alice')).toEqual([
      'activity:dormant',
      'lifecycle:at-risk',
      'tag:tea-lover',
    ]);
  });

  it('skips a customer that changed meanwhile, leaving its change intact for the next run', async () => {
    const { world, segments } = await shopWithCustomers();
    segments.beforeSetSegments = async (customerId) => {
      if (customerId !== 'bob') return;
      segments.beforeSetSegments = undefined;
      await world.apply(paidOrder({ customerId: 'bob' }, 'b2', 60, '2026-11-01T10:00:00Z'));
    };
    expect(await refreshShopSegments(segments, world.settings, world.clock.now())).toMatchObject({
      customers: 3,
      changed: 2,
    });
    expect(await segmentsOf(world, 'bob')).toEqual([]);
    expect((await world.stats('bob')).paidOrderCount).toBe(2);

    await refreshShopSegments(segments, world.settings, world.clock.now());
    expect(await segmentsOf(world, 'bob')).toEqual(['activity:active', 'lifecycle:repeat']);
  });

  it('leaves customers merged into another out of the refresh', async () => {
    const { world, segments } = await shopWithCustomers();
    await world.apply([
      viewed({ customerId: 'carol', email: 'c@example.com' }, 'puer', '2026-10-31T10:00:00Z'),
    ]);
    await world.apply([
      viewed({ customerId: 'bob', email: 'c@example.com' }, 'puer', '2026-10-31T11:00:00Z'),
    ]);
    expect(await refreshShopSegments(segments, world.settings, world.clock.now())).toMatchObject({
      customers: 2,
    });
  });

  it('refreshes each shop in its own 02:00 hour, or the shops named', async () => {
    const { world, segments } = await shopWithCustomers();
    const shops = new FakeShopStore();
    await shops.putShop(world.settings);
    await shops.putShop(teaShop({ shopId: 'london-tea', timeZone: 'Europe/London' }));
    const shanghaiTwoAm = new Date('2026-11-02T18:30:00Z');
    expect((await refreshDueShops(shops, segments, shanghaiTwoAm)).map((r) => r.shopId)).toEqual(['tea']);
    const londonTwoAm = new Date('2026-11-03T02:30:00Z');
    expect((await refreshDueShops(shops, segments, londonTwoAm)).map((r) => r.shopId)).toEqual([
      'london-tea',
    ]);
    expect((await refreshDueShops(shops, segments, londonTwoAm, ['tea'])).map((r) => r.shopId)).toEqual([
      'tea',
    ]);
  });
});
