import { beforeAll, describe, expect, it } from 'vitest';
import { call, control, newShop, type Shop, settle } from '../../support/api.js';
import { orderPaid, orderPlaced, pageViewed } from '../../support/events.js';

/**
 * The nightly refresh on the local stack: fired by hand, its shard tasks go through the local
 * refresh queue to the worker, and the memberships come back through GET /v1/customers/{id} and
 * the segment listing.
 *
 * Five buyers whose recency, frequency and spend rank them 5 to 1 in README.md's rules (frequency:
 * 5, 3, 2, 1, 1 orders score 5, 4, 3, 1, 1), and one customer who only browsed:
 *   ana  R5 F5 M5 → champions, gold, loyal (5 orders)
 *   ben  R4 F4 M4 → loyal (FM 4, R 4)
 *   cai  R3 F3 M3 → need attention
 *   dan  R2 F1 M2 → hibernating (FM 2, R 2)
 *   eve  R1 F1 M1 → lost (cell); stage at-risk (one order, 500 days, under 8 × the shop's 140-day interval)
 */
let shop: Shop;
let now: Date;
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

const buyers: Record<string, Array<[number, number]>> = {
  ana: [200, 100, 40, 10, 2].map((d) => [d, 100]),
  ben: [300, 150, 20].map((d) => [d, 90]),
  cai: [400, 60].map((d) => [d, 80]),
  dan: [[90, 150]],
  eve: [[500, 20]],
};

async function segmentsOf(customerId: string): Promise<string[]> {
  const res = await call(shop, 'GET', `/v1/customers/${customerId}`);
  expect(res.status).toBe(200);
  return res.body.segments;
}

async function members(segmentId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const query = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await call(shop, 'GET', `/v1/segments/${encodeURIComponent(segmentId)}/members?${query}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.customerIds);
    cursor = res.body.cursor;
  } while (cursor);
  return ids.sort();
}

beforeAll(async () => {
  shop = await newShop();
  now = new Date((await control<{ now: string }>('GET', '/state')).now);
  const events: unknown[] = Object.entries(buyers).flatMap(([customerId, orders]) =>
    orders.flatMap(([days, total], i) => [
      orderPlaced({ customerId }, { orderId: `${customerId}-${i}`, total, at: daysAgo(days) }),
      orderPaid({ customerId }, `${customerId}-${i}`, daysAgo(days - 0.01)),
    ]),
  );
  events.push(pageViewed({ customerId: 'fay' }, 'longjing', 'green-tea', daysAgo(1)));
  expect((await call(shop, 'POST', '/v1/events', { events })).status).toBe(202);
  await settle();
  await control('POST', '/fire/segment-refresh', { shopIds: [shop.shopId] });
});

describe('the nightly segment refresh on the local stack', () => {
  it('places every customer by the written rules, seen through GET /v1/customers/{id}', async () => {
    expect(await segmentsOf('ana')).toEqual(
      expect.arrayContaining(['rfm:champions', 'gold', 'lifecycle:loyal', 'activity:active']),
    );
    expect(await segmentsOf('ben')).toEqual(expect.arrayContaining(['rfm:loyal']));
    expect(await segmentsOf('cai')).toEqual(expect.arrayContaining(['rfm:need-attention']));
    expect(await segmentsOf('dan')).toEqual(expect.arrayContaining(['rfm:hibernating']));
    expect(await segmentsOf('eve')).toEqual(expect.arrayContaining(['rfm:lost', 'lifecycle:at-risk']));
    const fay = await segmentsOf('fay');
    expect(fay).toEqual(expect.arrayContaining(['lifecycle:new']));
    expect(fay.filter((s) => s.startsWith('rfm:'))).toEqual([]);
  });

  it('lists each segment’s members page by page, and only them', async () => {
    expect(await members('rfm:champions')).toEqual(['ana']);
    expect(await members('gold')).toEqual(['ana']);
    expect(await members('lifecycle:new')).toEqual(['fay']);
    const stages = await Promise.all(
      ['new', 'honeymoon', 'repeat', 'loyal', 'at-risk', 'dormant', 'lost'].map((s) =>
        members(`lifecycle:${s}`),
      ),
    );
    // Every customer is in exactly one stage.
    expect(stages.flat().sort()).toEqual(['ana', 'ben', 'cai', 'dan', 'eve', 'fay']);
  });

  it('computes as of another date when asked (a look ahead), and back again', async () => {
    // 200 days on, ana's last order is 202 days old: past max(60, 4 × her 49.5-day rhythm), not yet
    // past max(120, 8 × it): dormant, though still ranked first of the five.
    const ahead = new Date(now.getTime() + 200 * 86_400_000).toISOString();
    await control('POST', '/fire/segment-refresh', { shopIds: [shop.shopId], asOf: ahead });
    expect(await segmentsOf('ana')).toEqual(
      expect.arrayContaining(['lifecycle:dormant', 'activity:dormant']),
    );
    expect(await members('lifecycle:loyal')).toEqual([]);

    await control('POST', '/fire/segment-refresh', { shopIds: [shop.shopId] });
    expect(await segmentsOf('ana')).toEqual(expect.arrayContaining(['lifecycle:loyal', 'rfm:champions']));
    expect(await members('lifecycle:dormant')).toEqual([]);
  });

  it('re-tiers every customer by a ladder the shop replaced, each with a tier_changed', async () => {
    const ladder = [
      { name: 'leaf', minSpend: 0, priceFactor: 1 },
      { name: 'bud', minSpend: 200, priceFactor: 0.95 },
      { name: 'flower', minSpend: 400, priceFactor: 0.9 },
    ];
    expect((await call(shop, 'PUT', '/v1/settings/tiers', { tiers: ladder })).status).toBe(200);
    await control('POST', '/fire/segment-refresh', { shopIds: [shop.shopId] });
    await settle();
    const tiers: Record<string, string | null> = {};
    for (const id of ['ana', 'ben', 'cai', 'dan', 'eve', 'fay']) {
      const res = await call(shop, 'GET', `/v1/customers/${id}`);
      tiers[id] = res.body.tier;
      // Each buyer's first order announced the default ladder's tier; the refresh announces the new one.
      const announced = res.body.recentEvents.filter((e: { type: string }) => e.type === 'tier_changed');
      expect(announced.length, id).toBe(id === 'fay' ? 0 : 2);
    }
    // Spend 500, 270, 160, 150, 20; fay never bought.
    expect(tiers).toEqual({ ana: 'flower', ben: 'bud', cai: 'leaf', dan: 'leaf', eve: 'leaf', fay: null });
  });
});
