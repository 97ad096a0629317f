import { Analytics } from '@segment/analytics-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, newShop, type Shop, settle, stack } from '../../support/api.js';

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

/** A real Segment client pointed at the local API, recording what it saw. */
function segmentClient(writeKey: string) {
  const analytics = new Analytics({
    writeKey,
    host: stack().apiUrl,
    path: '/v1/segment/batch',
    flushAt: 10,
    flushInterval: 200,
    maxRetries: 0,
  });
  const statuses: number[] = [];
  const errors: unknown[] = [];
  analytics.on('http_response', (res) => statuses.push(res.status));
  analytics.on('error', (error) => errors.push(error));
  return { analytics, statuses, errors };
}

const raw = (path: string, headers: Record<string, string>, body: unknown) =>
  fetch(`${stack().apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then((res) => res.status);

const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
const identify = (messageId: string) => ({ type: 'identify', messageId, userId: 'u-raw', traits: {} });

describe('Segment and RudderStack clients, unmodified', () => {
  it('deliver identify, Order Completed and page with the shop key as write key', async () => {
    const { analytics, statuses, errors } = segmentClient(shop.apiKey);
    analytics.identify({
      userId: 'sdk-1',
      traits: { name: 'Li Na', email: 'li.na@example.com', phone: '13700002222' },
    });
    analytics.track({
      userId: 'sdk-1',
      event: 'Order Completed',
      properties: {
        order_id: 'SDK-1',
        total: 88,
        currency: 'CNY',
        products: [{ product_id: 'longjing-100', category: 'green', price: 88, quantity: 1 }],
      },
    });
    analytics.page({
      userId: 'sdk-1',
      name: 'Longjing',
      properties: { url: 'https://shop.example/p/longjing' },
    });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(errors).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    await settle();
    const customer = await call(shop, 'GET', '/v1/customers/sdk-1');
    expect(customer.status).toBe(200);
    expect(customer.body.customerId).toBe('sdk-1');
    expect(customer.body.traits).toMatchObject({ name: 'Li Na', email: 'li.na@example.com' });
    expect(customer.body.stats).toMatchObject({ paidOrderCount: 1 });
  });

  it('report a delivery failure when the write key is not a shop key', async () => {
    const { analytics, statuses, errors } = segmentClient('hk_notakeyofanyshop0000000000');
    analytics.track({ userId: 'sdk-2', event: 'Signed Up' });
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(statuses).toEqual([401]);
    expect(errors).toHaveLength(1);
  });

  it('take Basic or a body writeKey on the Segment routes only, and never let a body key beat a bad header', async () => {
    const key = shop.apiKey;
    expect(await raw('/v1/segment/identify', { authorization: basic(key) }, identify('r-1'))).toBe(200);
    expect(await raw('/v1/segment/identify', {}, { ...identify('r-2'), writeKey: key })).toBe(200);
    expect(await raw('/v1/segment/batch', {}, { batch: [identify('r-3')], writeKey: key })).toBe(200);
    expect(await raw('/v1/segment/batch', {}, { batch: [identify('r-4')] })).toBe(401);
    expect(
      await raw('/v1/segment/batch', { authorization: basic('hk_wrong') }, { batch: [identify('r-5')] }),
    ).toBe(401);
    expect(
      await raw(
        '/v1/segment/batch',
        { authorization: 'Bearer nope' },
        { batch: [identify('r-6')], writeKey: key },
      ),
    ).toBe(401);
    const event = {
      id: 'e-1',
      type: 'signed_up',
      occurredAt: new Date().toISOString(),
      customerId: 'u-raw',
      properties: {},
    };
    expect(await raw('/v1/events', { authorization: basic(key) }, { events: [event] })).toBe(401);
    expect(await raw('/v1/events', {}, { events: [event], writeKey: key })).toBe(401);
    expect(await raw('/v1/events', { authorization: `Bearer ${key}` }, { events: [event] })).toBe(202);
  });
});
