import { beforeAll, describe, expect, it } from 'vitest';
import { call, newShop, type Shop, settle } from '../../support/api.js';

let shop: Shop;
beforeAll(async () => {
  shop = await newShop();
});

/** Payloads as a Segment or RudderStack destination sends them, envelope fields and all. */
const context = { library: { name: 'analytics-node', version: '6.2.0' }, traits: { phone: '13700001111' } };

describe('POST /v1/segment/{kind}', () => {
  it('maps identify, page and ecommerce tracks onto customers and events, idempotently by messageId', async () => {
    const batch = {
      batch: [
        {
          type: 'identify',
          messageId: 'seg-1',
          userId: 'u-42',
          timestamp: '2026-10-01T08:00:00.000Z',
          traits: {
            firstName: 'Wang',
            lastName: 'Fang',
            email: 'Fang.Wang@Example.com',
            phone: '13700001111',
            birthday: '1988-02-29T00:00:00.000Z',
          },
          context,
          integrations: {},
        },
        {
          type: 'page',
          messageId: 'seg-2',
          userId: 'u-42',
          timestamp: '2026-10-01T08:01:00.000Z',
          properties: { url: 'https://shop.example/p/tieguanyin', category: 'oolong' },
          context,
        },
        {
          type: 'track',
          event: 'Order Completed',
          messageId: 'seg-3',
          userId: 'u-42',
          timestamp: '2026-10-01T08:10:00.000Z',
          properties: {
            order_id: 'S-1',
            total: 128,
            currency: 'CNY',
            coupon: 'OOLONG10',
            products: [
              {
                product_id: 'tieguanyin-200',
                name: 'Tieguanyin 200g',
                category: 'oolong',
                price: 128,
                quantity: 1,
              },
            ],
          },
          context,
          sentAt: '2026-10-01T08:10:01.000Z',
        },
        {
          type: 'track',
          event: 'Newsletter Opened',
          messageId: 'seg-4',
          userId: 'u-42',
          timestamp: '2026-10-01T08:11:00.000Z',
          properties: {},
        },
        {
          type: 'track',
          event: 'Order Completed',
          messageId: 'seg-5',
          anonymousId: 'anon-1',
          timestamp: '2026-10-01T08:12:00.000Z',
          properties: { order_id: 'S-2', total: 1, currency: 'CNY' },
        },
      ],
    };
    const first = await call(shop, 'POST', '/v1/segment/batch', batch);
    expect(first.status).toBe(200);
    // "Order Completed" is one event: the order, placed and paid.
    expect(first.body).toEqual({ accepted: 2, duplicates: 0, identified: 1, ignored: 2 });
    expect((await call(shop, 'POST', '/v1/segment/batch', batch)).body).toMatchObject({
      accepted: 0,
      duplicates: 2,
    });
    await settle();
    const customer = await call(shop, 'GET', '/v1/customers/u-42');
    expect(customer.body.traits).toMatchObject({
      name: 'Wang Fang',
      email: 'fang.wang@example.com',
      phone: '+8613700001111',
      birthday: '1988-02-29',
    });
    expect(customer.body.stats).toMatchObject({
      paidOrderCount: 1,
      totalSpend: 128,
      couponsUsed: { OOLONG10: 1 },
    });
  });

  it('validates what it maps, naming the message in the batch', async () => {
    const res = await call(shop, 'POST', '/v1/segment/batch', {
      batch: [
        {
          type: 'track',
          event: 'Order Completed',
          messageId: 'bad-1',
          userId: 'u-1',
          timestamp: '2026-10-01T08:10:00.000Z',
          properties: { order_id: 'X', total: -5, currency: 'CNY', products: [] },
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ index: 0 });
    expect(res.body.issues.map((i: { path: string }) => i.path).join()).toMatch(/^batch\.0\./);
    expect((await call(shop, 'POST', '/v1/segment/alias', {})).status).toBe(400);
  });
});
