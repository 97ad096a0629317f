import { beforeAll, describe, expect, it } from 'vitest';
import { call, control, newShop, type Shop, settle } from '../../support/api.js';
import { orderPaid, orderPlaced, orderRefunded } from '../../support/events.js';

/** A custom segment on spend is kept as orders arrive, through the stream, not only at night. */
let shop: Shop;
beforeAll(async () => {
  shop = await newShop();
  const res = await call(shop, 'POST', '/v1/segments', {
    id: 'big-spender',
    name: 'Spent 500 or more',
    rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 },
  });
  expect(res.status).toBe(201);
});

async function membersOfBigSpender(): Promise<string[]> {
  const res = await call(shop, 'GET', '/v1/segments/big-spender/members');
  return res.body.customerIds;
}

describe('a live segment on the local stack', () => {
  it('takes a customer in when an order takes their spend over the line, and out on a refund', async () => {
    // The stack's clock: other files may have moved it on.
    const now = Date.parse((await control<{ now: string }>('GET', '/state')).now);
    const at = (d: number) => new Date(now - d * 86_400_000).toISOString();
    await call(shop, 'POST', '/v1/events', {
      events: [
        orderPlaced({ customerId: 'lan' }, { orderId: 'L1', total: 320, at: at(20) }),
        orderPaid({ customerId: 'lan' }, 'L1', at(20)),
      ],
    });
    await settle();
    expect((await call(shop, 'GET', '/v1/customers/lan')).body.segments).not.toContain('big-spender');

    await call(shop, 'POST', '/v1/events', {
      events: [
        orderPlaced({ customerId: 'lan' }, { orderId: 'L2', total: 280, at: at(2) }),
        orderPaid({ customerId: 'lan' }, 'L2', at(2)),
      ],
    });
    await settle();
    expect((await call(shop, 'GET', '/v1/customers/lan')).body.segments).toContain('big-spender');
    expect(await membersOfBigSpender()).toEqual(['lan']);

    await call(shop, 'POST', '/v1/events', {
      events: [orderRefunded({ customerId: 'lan' }, 'L2', 200, at(1))],
    });
    await settle();
    expect((await call(shop, 'GET', '/v1/customers/lan')).body.segments).not.toContain('big-spender');
    expect(await membersOfBigSpender()).toEqual([]);
  });

  it('agrees with the nightly refresh', async () => {
    await control('POST', '/fire/segment-refresh', { shopIds: [shop.shopId] });
    expect(await membersOfBigSpender()).toEqual([]);
    expect((await call(shop, 'GET', '/v1/customers/lan')).body.segments).toEqual(
      expect.arrayContaining(['lifecycle:honeymoon']),
    );
  });
});
