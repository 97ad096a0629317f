import { beforeAll, describe, expect, it } from 'vitest';
import { call, newShop, type Shop, settle } from '../../support/api.js';
import { orderPaid, orderPlaced } from '../../support/events.js';

let shop: Shop;

const bigSpenders = { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 100 };

/** Spend: ann 100, bo 50 + 70, cy an unpaid 400, di 300. */
beforeAll(async () => {
  shop = await newShop();
  const paidOrder = (customerId: string, orderId: string, total: number, at: string) => [
    orderPlaced({ customerId }, { orderId, total, at }),
    orderPaid({ customerId }, orderId, at.replace(':00Z', ':30Z')),
  ];
  const res = await call(shop, 'POST', '/v1/events', {
    events: [
      ...paidOrder('ann', 'A-1', 100, '2026-09-01T10:00:00Z'),
      ...paidOrder('bo', 'B-1', 50, '2026-06-01T10:00:00Z'),
      ...paidOrder('bo', 'B-2', 70, '2026-09-20T10:00:00Z'),
      orderPlaced({ customerId: 'cy' }, { orderId: 'C-1', total: 400, at: '2026-09-25T10:00:00Z' }),
      ...paidOrder('di', 'D-1', 300, '2026-09-10T10:00:00Z'),
    ],
  });
  expect(res.status).toBe(202);
  await settle();
});

describe('/v1/segments', () => {
  it('creates, lists, reads, updates and deletes custom segments', async () => {
    const created = await call(shop, 'POST', '/v1/segments', { name: 'Big spenders', rule: bigSpenders });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'big-spenders', name: 'Big spenders', version: 1 });

    const listed = await call(shop, 'GET', '/v1/segments');
    expect(listed.status).toBe(200);
    expect(listed.body.refreshedAt).toBeNull();
    expect(listed.body.custom).toMatchObject([{ id: 'big-spenders', members: null }]);
    expect(listed.body.builtIn).toContainEqual({ id: 'gold', members: null });

    expect((await call(shop, 'GET', '/v1/segments/big-spenders')).body).toEqual(created.body);

    const updated = await call(shop, 'PUT', '/v1/segments/big-spenders', {
      name: 'Big spenders',
      description: '100 and more',
      rule: { ...bigSpenders, value: 150 },
      version: 1,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      version: 2,
      description: '100 and more',
      createdAt: created.body.createdAt,
    });

    const stale = await call(shop, 'PUT', '/v1/segments/big-spenders', {
      name: 'x',
      rule: bigSpenders,
      version: 1,
    });
    expect(stale.status).toBe(409);
    expect((await call(shop, 'GET', '/v1/segments/big-spenders')).body.version).toBe(2);

    // Back to 100, for the preview below.
    await call(shop, 'PUT', '/v1/segments/big-spenders', {
      name: 'Big spenders',
      rule: bigSpenders,
      version: 2,
    });
    expect(
      (
        await call(shop, 'POST', '/v1/segments', {
          id: 'big-repeat',
          name: 'x',
          rule: { kind: 'segment', id: 'big-spenders' },
        })
      ).status,
    ).toBe(201);
    const inUse = await call(shop, 'DELETE', '/v1/segments/big-spenders');
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toContain('big-repeat');
    expect((await call(shop, 'DELETE', '/v1/segments/big-repeat')).status).toBe(204);
    expect((await call(shop, 'GET', '/v1/segments/big-repeat')).status).toBe(404);
    expect((await call(shop, 'DELETE', '/v1/segments/big-repeat')).status).toBe(404);
  });

  it('refuses a bad rule with the path of each problem', async () => {
    const res = await call(shop, 'POST', '/v1/segments', {
      name: 'Broken',
      rule: { kind: 'all', rules: [{ kind: 'stat', stat: 'totalSpend', op: 'about', value: 1 }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['rule.rules.0.op']);
    const unknown = await call(shop, 'POST', '/v1/segments', {
      name: 'Broken',
      rule: { kind: 'not', rule: { kind: 'segment', id: 'nowhere' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([{ path: 'rule.rule.id', message: 'no segment nowhere' }]);
    const builtIn = await call(shop, 'POST', '/v1/segments', { id: 'gold', name: 'Gold', rule: bigSpenders });
    expect(builtIn.status).toBe(400);
  });

  it('previews a rule over the whole shop', async () => {
    const all = await call(shop, 'POST', '/v1/segments/preview', { rule: bigSpenders });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ customers: 4, size: 3, shareOfCustomers: 0.75, revenue: 520 });
    expect(all.body.sample.map((s: { customerId: string }) => s.customerId).sort()).toEqual([
      'ann',
      'bo',
      'di',
    ]);

    const repeat = await call(shop, 'POST', '/v1/segments/preview', {
      rule: {
        kind: 'all',
        rules: [
          { kind: 'segment', id: 'big-spenders' },
          { kind: 'stat', stat: 'paidOrderCount', op: 'gte', value: 2 },
        ],
      },
      sampleSize: 5,
    });
    expect(repeat.body).toMatchObject({
      size: 1,
      revenue: 120,
      sample: [{ customerId: 'bo', paidOrderCount: 2, totalSpend: 120 }],
    });

    const unpaid = await call(shop, 'POST', '/v1/segments/preview', {
      rule: { kind: 'stat', stat: 'unpaidOrders', op: 'gte', value: 1 },
    });
    expect(unpaid.body).toMatchObject({ size: 1, revenue: 0, sample: [{ customerId: 'cy' }] });
  });

  it('answers discovery with no groups and a note before the first refresh', async () => {
    const res = await call(shop, 'GET', '/v1/segments/discover');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      asOf: null,
      groups: [],
      note: expect.stringContaining('No nightly refresh'),
    });
  });
});
