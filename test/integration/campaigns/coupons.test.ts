import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoSendRecordStore } from '../../../shared/adapters/dynamodb/send-record-store.js';
import { call, control, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { orderPlaced } from '../../support/events.js';
import { awaitSendRequests } from '../../support/send-queue.js';

/**
 * A coupon campaign ("orders from 100 get 3 off") on the local stack: each customer's message
 * carries a code of their own; the shop's checkout asks huitou whether an order may use it; the paid
 * order that carries it redeems it, once.
 */
const customers = ['ann', 'bob', 'cai', 'dan', 'eve', 'fay'];

let shop: Shop;

beforeAll(async () => {
  shop = await newShop({ rateLimitPerSecond: 100_000 });
  useStackDynamoDb();
  // No quiet hours, whatever the hour the test runs at.
  expect((await call(shop, 'PUT', '/v1/settings/contact-policy', { quietHours: null })).status).toBe(200);
  for (const id of customers) {
    const res = await call(shop, 'PUT', `/v1/customers/${id}`, {
      email: `${id}.coupons@example.com`,
      tags: ['coupon-test'],
      consent: { email: { marketing: true } },
    });
    expect(res.status).toBe(200);
  }
  await settle();
}, 300_000);

describe('coupons on the local stack', () => {
  it('issues a code per customer, answers the checkout, and marks the code redeemed by the paid order once', async () => {
    const launched = await call(shop, 'POST', '/v1/campaigns', {
      name: 'From 100, 3 off',
      offer: { type: 'coupon', rule: 'from-100-3-off' },
      templateId: 'dormant-win-back',
      audience: { rule: { kind: 'tag', tag: 'coupon-test' } },
      channels: ['email'],
      holdoutShare: 0,
      schedule: { at: 'now' },
    });
    expect([launched.status, launched.body]).toEqual([201, expect.anything()]);
    const requests = await awaitSendRequests(shop.shopId, customers.length, 'campaign');
    const sent = requests.find((r) => !r.withheld);
    expect(sent).toBeDefined();
    const { customerId } = sent?.intent ?? { customerId: '' };
    const coupon = sent?.data?.coupon as { code: string; validUntil: string };
    expect(coupon.code).toMatch(/^[A-Z2-9]{10}$/);
    const treated = requests.filter((r) => !r.withheld);
    const codes = new Set(treated.map((r) => (r.data?.coupon as { code?: string } | undefined)?.code));
    expect(codes.size).toBe(treated.length);
    await settle();

    // The checkout asks, with the code as the customer typed it.
    const typed = `${coupon.code.slice(0, 5).toLowerCase()}-${coupon.code.slice(5)}`;
    const check = (query: string) => call(shop, 'GET', `/v1/coupons/${encodeURIComponent(typed)}?${query}`);
    expect(await check(`customerId=${customerId}&total=120`)).toMatchObject({
      status: 200,
      body: {
        code: coupon.code,
        valid: true,
        ruleId: 'from-100-3-off',
        discount: 3,
        freeShipping: false,
        validUntil: coupon.validUntil,
      },
    });
    expect((await check(`customerId=${customerId}&total=99.5`)).body).toEqual({
      code: coupon.code,
      valid: false,
      reason: 'below-minimum',
    });
    const other = customers.find((c) => c !== customerId);
    expect((await check(`customerId=${other}&total=120`)).body.reason).toBe('other-customer');
    expect(
      (await call(shop, 'GET', `/v1/coupons/NOTOURS42?customerId=${customerId}&total=120`)).body,
    ).toEqual({
      code: 'NOTOURS42',
      valid: false,
      reason: 'unknown-code',
    });
    const bad = await check('customerId=&total=ten');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('total');
    expect(JSON.stringify(bad.body)).toContain('customerId');

    // The order, on the stack's clock: 117 paid after the 3 off, carrying the code.
    const { now: at } = await control<{ now: string }>('GET', '/state');
    const placed = orderPlaced(
      { customerId },
      { orderId: 'o-coupon-1', total: 117, at, coupon: coupon.code },
    );
    const order = { ...placed, properties: { ...placed.properties, discount: 3 } };
    const paid = {
      id: `${placed.id}:paid`,
      type: 'order_paid',
      occurredAt: at,
      customerId,
      properties: { orderId: 'o-coupon-1' },
    };
    expect((await call(shop, 'POST', '/v1/events', { events: [order, paid] })).status).toBe(202);
    await settle();

    expect((await check(`customerId=${customerId}&total=120`)).body).toEqual({
      code: coupon.code,
      valid: false,
      reason: 'already-redeemed',
    });
    expect((await check(`customerId=${customerId}&total=120&orderId=o-coupon-1`)).body).toMatchObject({
      valid: true,
      discount: 3,
    });
    // The send that carried the code has the order's credit.
    const record = await new DynamoSendRecordStore(createDocumentClient(), stack().tableName).get(
      shop.shopId,
      sent?.sendId ?? '',
    );
    expect(record?.conversion).toMatchObject({ orderId: 'o-coupon-1', by: 'coupon' });

    // A second order with the same code does not take it over.
    const again = orderPlaced({ customerId }, { orderId: 'o-coupon-2', total: 150, at, coupon: coupon.code });
    const againPaid = { ...paid, id: `${again.id}:paid`, properties: { orderId: 'o-coupon-2' } };
    expect((await call(shop, 'POST', '/v1/events', { events: [again, againPaid] })).status).toBe(202);
    await settle();
    expect((await check(`customerId=${customerId}&total=120&orderId=o-coupon-1`)).body.valid).toBe(true);
    expect((await check(`customerId=${customerId}&total=160&orderId=o-coupon-2`)).body.reason).toBe(
      'already-redeemed',
    );
  }, 180_000);

  it('marks a code for one order only, on DynamoDB Local: the same order again, never a second', async () => {
    const store = new DynamoSendRecordStore(createDocumentClient(), stack().tableName);
    const requestedAt = new Date().toISOString();
    await store.settle({
      sendId: 'coupon-adapter',
      shopId: shop.shopId,
      customerId: 'ann',
      source: { kind: 'campaign', campaignId: 'adapter' },
      step: 'launch',
      occurrence: 'once',
      channel: 'email',
      purpose: 'marketing',
      templateId: 'campaign-coupon',
      status: 'withheld',
      reason: 'held-out',
      history: [{ status: 'withheld', at: requestedAt }],
      requestedAt,
      couponCode: 'ADAPTER234',
      couponRuleId: 'from-100-3-off',
      couponValidUntil: '2099-01-01T00:00:00.000Z',
    });
    expect(await store.couponOf(shop.shopId, 'adapter-234')).toEqual({
      sendId: 'coupon-adapter',
      coupon: {
        code: 'ADAPTER234',
        ruleId: 'from-100-3-off',
        customerId: 'ann',
        idempotencyKey: 'coupon-adapter',
        validFrom: requestedAt,
        validUntil: '2099-01-01T00:00:00.000Z',
        redeemedBy: null,
      },
    });
    expect(await store.markRedeemed(shop.shopId, 'ADAPTER234', 'o1', requestedAt)).toBe(true);
    expect(await store.markRedeemed(shop.shopId, 'ADAPTER234', 'o1', requestedAt)).toBe(true);
    expect(await store.markRedeemed(shop.shopId, 'ADAPTER234', 'o2', requestedAt)).toBe(false);
    expect((await store.couponOf(shop.shopId, 'ADAPTER234'))?.coupon?.redeemedBy).toBe('o1');
    // A code nobody issued gets no item made for it.
    expect(await store.markRedeemed(shop.shopId, 'NOBODY2345', 'o1', requestedAt)).toBe(false);
    expect(await store.couponOf(shop.shopId, 'NOBODY2345')).toBeNull();
  });
});
