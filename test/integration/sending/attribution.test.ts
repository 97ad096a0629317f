import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoSendRecordStore } from '../../../shared/adapters/dynamodb/send-record-store.js';
import { SqsSendQueue } from '../../../shared/adapters/sqs/send-queue.js';
import { type SendIntent, sendIdOf } from '../../../shared/domain/sending/send-identity.js';
import type { SendRequest } from '../../../shared/domain/sending/send-request.js';
import { call, control, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { orderPaid, orderPlaced, orderRefunded } from '../../support/events.js';

let shop: Shop;

beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
  expect(
    (
      await call(shop, 'PUT', '/v1/settings/sending', {
        allowedHosts: ['tea.example'],
        url: 'https://tea.example/',
      })
    ).status,
  ).toBe(200);
  await call(shop, 'PUT', '/v1/customers/mei', {
    name: 'Li Mei',
    email: 'mei.attr@example.com',
    consent: { email: { marketing: true, care: true } },
  });
  await settle();
});

describe('an order after a click', () => {
  it('is attributed to the send with its revenue, and the click counts as a visit', async () => {
    const { now: stackNow } = await control<{ now: string }>('GET', '/state');
    const intent: SendIntent = {
      shopId: shop.shopId,
      customerId: 'mei',
      source: { kind: 'campaign', campaignId: 'oolong-week' },
      step: 'm1',
      occurrence: '1',
    };
    const request: SendRequest = {
      sendId: sendIdOf(intent),
      intent,
      channel: 'email',
      purpose: 'marketing',
      templateId: 'browse-abandonment',
      data: {
        locale: 'en',
        products: [{ sku: 'oolong', name: 'Oolong Gold', url: 'https://tea.example/oolong', price: 88 }],
      },
      requestedAt: stackNow,
    };
    const sqs = new SQSClient({
      endpoint: `${stack().controlUrl}/sqs`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await new SqsSendQueue(sqs, `${stack().controlUrl}/sqs/send`).enqueue([request]);
    await settle();

    // The signed click link in the mail the local SES received, followed through the local /r route.
    const store = (await (await fetch(`${stack().sesUrl}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] }; body: { html?: string } }>;
    };
    const html = store.emails.find((e) => e.destination.to.includes('mei.attr@example.com'))?.body.html ?? '';
    const link = [...html.matchAll(new RegExp(`href="(${stack().apiUrl}/r\\?[^"]+)"`, 'g'))]
      .map((m) => (m[1] ?? '').replaceAll('&amp;', '&'))
      .find((url) => new URL(url).searchParams.get('u')?.startsWith('https://tea.example/'));
    expect(link).toBeDefined();
    const click = await fetch(link as string, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(new URL(link as string).searchParams.get('u'));
    await settle();
    const customer = await call(shop, 'GET', '/v1/customers/mei');
    // The click is a visit: the customer was seen then, and segments and journeys get a page view.
    const clickedAt = customer.body.stats.lastSeenAt;
    expect(clickedAt).toBeTruthy();
    expect(customer.body.recentEvents.map((e: { type: string }) => e.type).sort()).toEqual([
      'message_clicked',
      'page_viewed',
    ]);

    // Placed just after the click (the stack's clock has moved on since: not in the future).
    const at = new Date(Date.parse(clickedAt) + 1_000).toISOString();
    const events = [
      orderPlaced({ customerId: 'mei' }, { orderId: 'o-attr', total: 128.5, at }),
      orderPaid({ customerId: 'mei' }, 'o-attr', at),
    ];
    const posted = await call(shop, 'POST', '/v1/events', { events });
    expect(posted.status, JSON.stringify(posted.body)).toBeLessThan(300);
    await settle();
    const record = await new DynamoSendRecordStore(createDocumentClient(), stack().tableName).get(
      shop.shopId,
      request.sendId,
    );
    expect(record?.status).toBe('clicked');
    expect(record?.conversion).toMatchObject({ orderId: 'o-attr', revenue: 128.5, by: 'clicked' });

    // Given back: a partial refund comes off and the send stays with the order (a later order does not
    // take it); the cancellation takes the rest and frees the send, which goes to that later order
    // (the store's conditions, on DynamoDB Local).
    const records = new DynamoSendRecordStore(createDocumentClient(), stack().tableName);
    const conversion = async () => (await records.get(shop.shopId, request.sendId))?.conversion;
    const post = async (...events: unknown[]) => {
      const res = await call(shop, 'POST', '/v1/events', { events });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      await settle();
    };
    const now = async () => (await control<{ now: string }>('GET', '/state')).now;
    await post(orderRefunded({ customerId: 'mei' }, 'o-attr', 28.5, await now()));
    expect(await conversion()).toMatchObject({ orderId: 'o-attr', revenue: 128.5, returned: 28.5 });
    const next = await now();
    await post(
      orderPlaced({ customerId: 'mei' }, { orderId: 'o-next', total: 66, at: next }),
      orderPaid({ customerId: 'mei' }, 'o-next', next),
    );
    expect(await conversion()).toMatchObject({ orderId: 'o-attr', returned: 28.5 });
    await post({
      id: `cancel-o-attr-${Date.now()}`,
      type: 'order_cancelled',
      occurredAt: await now(),
      customerId: 'mei',
      properties: { orderId: 'o-attr' },
    });
    expect(await conversion()).toEqual({
      orderId: 'o-next',
      revenue: 66,
      currency: 'CNY',
      at: next,
      by: 'clicked',
    });
  });
});
