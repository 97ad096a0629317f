import { beforeAll, describe, expect, it } from 'vitest';
import { advance, call, newShop, type Shop, sentMail, settle } from '../../support/api.js';
import { queuedSendRequests } from '../../support/send-queue.js';

/**
 * Journeys on the local stack through the HTTP API: playbooks listed and enabled, events posted,
 * the clock advanced, and the send requests that reach the send queue (its local journal), then the
 * mail the sender makes of them.
 */
let shop: Shop;

const queued = () => queuedSendRequests(shop.shopId);

const items = [{ sku: 'longjing-250', category: 'green-tea', price: 79, quantity: 1 }];

beforeAll(async () => {
  shop = await newShop();
});

describe('journeys through the API', () => {
  it('lists the playbooks with their defaults, enables one, and versions an edit', async () => {
    const list = await call(shop, 'GET', '/v1/journeys');
    expect(list.status).toBe(200);
    const enabled = Object.fromEntries(
      (list.body.journeys as Array<{ journeyId: string; enabled: boolean }>).map((j) => [
        j.journeyId,
        j.enabled,
      ]),
    );
    expect(enabled).toMatchObject({
      'unpaid-order-reminder': true,
      'order-care': true,
      'cart-abandonment': false,
      birthday: false,
    });
    const on = await call(shop, 'POST', '/v1/journeys/cart-abandonment/enable');
    expect(on.body).toMatchObject({
      journeyId: 'cart-abandonment',
      enabled: true,
      definition: { version: 1 },
    });
    const tier = (await call(shop, 'GET', '/v1/journeys/tier-change')).body.definition;
    const edited = await call(shop, 'PUT', '/v1/journeys/tier-change', {
      ...tier,
      name: 'New tier, new benefits',
    });
    expect(edited.body).toMatchObject({
      edited: true,
      definition: { version: 2, name: 'New tier, new benefits' },
    });
    const bad = await call(shop, 'PUT', '/v1/journeys/tier-change', { ...tier, steps: [] });
    expect(bad.status).toBe(400);
  });

  it('queues the unpaid order reminder 30 minutes after the order, and nothing after payment', async () => {
    await call(shop, 'PUT', '/v1/customers/c-1', {
      name: 'Li',
      phone: '13800138001',
      email: 'li@example.com',
    });
    const at = (await call(null, 'GET', '/v1/health')).body.time as string;
    const res = await call(shop, 'POST', '/v1/events', {
      events: [
        {
          id: 'o1',
          type: 'order_placed',
          occurredAt: at,
          customerId: 'c-1',
          properties: { orderId: 'SO-1', total: 79, currency: 'CNY', items },
        },
        {
          id: 'o2',
          type: 'order_placed',
          occurredAt: at,
          customerId: 'c-1',
          properties: { orderId: 'SO-2', total: 20, currency: 'CNY', items },
        },
      ],
    });
    expect(res.status).toBe(202);
    await settle();
    await advance('29m');
    expect(queued().filter((r) => r.templateId === 'unpaid-reminder')).toEqual([]);
    await advance('3m');
    const reminders = queued().filter((r) => r.templateId === 'unpaid-reminder');
    expect(reminders.map((r) => r.data?.key).sort()).toEqual(['SO-1', 'SO-2']);
    expect(reminders[0]).toMatchObject({
      channel: 'sms',
      purpose: 'transactional',
      intent: {
        customerId: 'c-1',
        source: { kind: 'journey', journeyId: 'unpaid-order-reminder' },
        step: 'reminder',
      },
    });
    await call(shop, 'POST', '/v1/events', {
      events: [
        { id: 'p1', type: 'order_paid', occurredAt: at, customerId: 'c-1', properties: { orderId: 'SO-1' } },
      ],
    });
    await settle();
    await advance('3d');
    expect(
      queued()
        .filter((r) => r.templateId === 'unpaid-last-call')
        .map((r) => r.data?.key),
    ).toEqual(['SO-2']);
  });
});

describe('with the SendRequest sender', () => {
  it('puts the welcome account mail in the local SES', async () => {
    const other = await newShop();
    await call(other, 'PUT', '/v1/customers/c-9', { email: 'c9@example.com', phone: '13800138009' });
    await call(other, 'POST', '/v1/journeys/welcome-series/enable');
    const at = (await call(null, 'GET', '/v1/health')).body.time as string;
    await call(other, 'POST', '/v1/events', {
      events: [{ id: 's1', type: 'signed_up', occurredAt: at, customerId: 'c-9', properties: {} }],
    });
    await settle();
    expect((await sentMail()).filter((m) => m.to === 'c9@example.com')).toHaveLength(1);
  });
});
