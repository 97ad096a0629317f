import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoSendRecordStore } from '../../../shared/adapters/dynamodb/send-record-store.js';
import { sendJsonBatch } from '../../../shared/adapters/sqs/send-batch.js';
import { SqsSendQueue } from '../../../shared/adapters/sqs/send-queue.js';
import { type SendIntent, sendIdOf } from '../../../shared/domain/sending/send-identity.js';
import type { SendRequest } from '../../../shared/domain/sending/send-request.js';
import { advance, call, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { clearFaults, firedFaults, plantFault } from '../../support/local-faults.js';

let shop: Shop;
const sqs = () =>
  new SQSClient({
    endpoint: `${stack().controlUrl}/sqs`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
const records = () => new DynamoSendRecordStore(createDocumentClient(), stack().tableName);

beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
  await call(shop, 'PUT', '/v1/customers/mei', {
    name: 'Li Mei',
    email: `mei@${shop.shopId}.example.com`,
    consent: { email: { marketing: true, care: true } },
  });
  await call(shop, 'PUT', '/v1/customers/bo', { name: 'Bo', email: `bo@${shop.shopId}.example.com` });
  await settle();
});

function request(customerId: string, step: string): SendRequest {
  const intent: SendIntent = {
    shopId: shop.shopId,
    customerId,
    source: { kind: 'campaign', campaignId: 'autumn' },
    step,
    occurrence: '1',
  };
  return {
    sendId: sendIdOf(intent),
    intent,
    channel: 'email',
    purpose: 'marketing',
    templateId: 'dormant-win-back',
    data: { locale: 'en', coupon: { code: 'BACK-10' } },
    requestedAt: new Date().toISOString(),
  };
}

async function mailTo(address: string) {
  const store = (await (await fetch(`${stack().sesUrl}/store`)).json()) as {
    emails: Array<{
      messageId: string;
      destination: { to: string[] };
      subject: string;
      body: { text?: string; html?: string };
      headers?: Array<{ name: string; value: string }>;
    }>;
  };
  return store.emails.filter((e) => e.destination.to.includes(address));
}

describe('the sender on the local stack', () => {
  it('sends a queued request through local SES, personalised, with a text part and the unsubscribe header, once', async () => {
    const r = request('mei', 'm1');
    const queue = new SqsSendQueue(sqs(), `${stack().controlUrl}/sqs/send`);
    // Queued twice (a producer's retry): one email.
    await queue.enqueue([r, r]);
    await settle();
    const mail = await mailTo(`mei@${shop.shopId}.example.com`);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body.text).toContain('Li Mei');
    expect(mail[0]?.body.text).toContain('BACK-10');
    expect(mail[0]?.body.html).toContain('BACK-10');
    const header = mail[0]?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    expect(header).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/u\?/);
    expect(await records().get(shop.shopId, r.sendId)).toMatchObject({
      status: 'sent',
      couponCode: 'BACK-10',
    });
    // The unsubscribe link works: the one-click POST records consent false.
    const url = header.slice(1, -1);
    expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    await settle();
    const customer = await call(shop, 'GET', '/v1/customers/mei');
    expect(customer.body.traits.consent.email.marketing).toBe(false);
  });

  it('skips a customer without marketing consent and records why', async () => {
    const r = request('bo', 'm1');
    await new SqsSendQueue(sqs(), `${stack().controlUrl}/sqs/send`).enqueue([r]);
    await settle();
    expect(await mailTo(`bo@${shop.shopId}.example.com`)).toEqual([]);
    expect(await records().get(shop.shopId, r.sendId)).toMatchObject({
      status: 'skipped',
      reason: 'no-consent',
    });
  });

  it('applies SES event records: delivery, then a hard bounce that suppresses the address', async () => {
    await call(shop, 'PUT', '/v1/customers/mei', {
      name: 'Li Mei',
      email: `mei@${shop.shopId}.example.com`,
      consent: { email: { marketing: true, care: true } },
    });
    await settle();
    const r = request('mei', 'm2');
    await new SqsSendQueue(sqs(), `${stack().controlUrl}/sqs/send`).enqueue([r]);
    await settle();
    const sent = await records().get(shop.shopId, r.sendId);
    expect(sent?.status).toBe('sent');
    const mail = {
      timestamp: new Date().toISOString(),
      messageId: sent?.providerMessageId,
      source: 'care@demo-shop.local',
      destination: [`mei@${shop.shopId}.example.com`],
      tags: { send_id: [r.sendId], shop_id: [shop.shopId] },
    };
    const notification = (id: string, message: unknown) => ({
      Type: 'Notification',
      MessageId: id,
      TopicArn: 'arn:aws:sns:local:0:huitou-ses-events',
      Message: JSON.stringify(message),
      Timestamp: new Date().toISOString(),
    });
    await sendJsonBatch(
      sqs(),
      `${stack().controlUrl}/sqs/sesEvents`,
      [
        notification(`${r.sendId}-d`, {
          eventType: 'Delivery',
          mail,
          delivery: { timestamp: mail.timestamp },
        }),
        notification(`${r.sendId}-b`, {
          eventType: 'Bounce',
          mail,
          bounce: { bounceType: 'Permanent', bounceSubType: 'General', timestamp: mail.timestamp },
        }),
      ],
      'SES events',
    );
    await settle();
    const tracked = await records().get(shop.shopId, r.sendId);
    expect(tracked?.status).toBe('bounced');
    // The history is in arrival order (a batch's events are applied in parallel); each entry has its time.
    expect(tracked?.history.map((h) => h.status).sort()).toEqual(['bounced', 'delivered', 'sending', 'sent']);
    await settle();
    const customer = await call(shop, 'GET', '/v1/customers/mei');
    expect(customer.body.traits.suppressed).toEqual({ email: 'bounced' });
  });
});

describe('a crash between SES and the send record', () => {
  const deadLetters = () => {
    const file = join(dirname(stack().smsOutbox), 'send-dead-letters.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  it('leaves exactly one message, and the record ends sent, whatever the queue redelivers', async () => {
    await call(shop, 'PUT', '/v1/customers/lan', {
      name: 'Lan',
      email: `lan@${shop.shopId}.example.com`,
      consent: { email: { marketing: true, care: true } },
    });
    await settle();
    const r = request('lan', 'crash');
    // The sender's write of "sent" dies after SES accepted the email: the Lambda is gone, the record says sending.
    await clearFaults();
    await plantFault({ function: 'sender', operation: 'UpdateItem', contains: [r.sendId, '"sent"'] });
    const queue = new SqsSendQueue(sqs(), `${stack().controlUrl}/sqs/send`);
    await queue.enqueue([r]);
    await settle();
    expect(await firedFaults()).toHaveLength(1);

    // The queue redelivered the failed message; SES's Send event (the configuration set's event
    // destination) had settled the record, so the redelivery sent nothing.
    const mail = await mailTo(`lan@${shop.shopId}.example.com`);
    expect(mail).toHaveLength(1);
    const record = await records().get(shop.shopId, r.sendId);
    expect(record).toMatchObject({ status: 'sent', providerMessageId: mail[0]?.messageId });
    expect(deadLetters()).not.toContain(r.sendId);

    // Later deliveries of the same request, within the lease and after it ran out, send nothing either.
    await queue.enqueue([r]);
    await settle();
    await advance('10m');
    await queue.enqueue([r]);
    await settle();
    expect(await mailTo(`lan@${shop.shopId}.example.com`)).toHaveLength(1);
    expect((await records().get(shop.shopId, r.sendId))?.status).toBe('sent');
  });

  it('writes a send’s index entries again when the sender died between the record and them', async () => {
    await call(shop, 'PUT', '/v1/customers/yun', {
      name: 'Yun',
      email: `yun@${shop.shopId}.example.com`,
      consent: { email: { marketing: true, care: true } },
    });
    await settle();
    // A code of its own: the coupon's item is only ever made, by the first send that issues the code.
    const r = { ...request('yun', 'index-crash'), data: { locale: 'en', coupon: { code: 'YUNBACK10' } } };
    // The record is made (sending, leased); the batch of its index entries dies with the Lambda.
    await clearFaults();
    await plantFault({ function: 'sender', operation: 'BatchWriteItem', contains: [r.sendId] });
    const queue = new SqsSendQueue(sqs(), `${stack().controlUrl}/sqs/send`);
    await queue.enqueue([r]);
    await settle();
    expect(await firedFaults()).toHaveLength(1);
    // Nothing went to SES: the redeliveries found the send leased (on AWS they come minutes apart,
    // past the lease; here they come at once and end in the dead letters, which are redriven).
    expect(await mailTo(`yun@${shop.shopId}.example.com`)).toHaveLength(0);
    await advance('10m');
    await queue.enqueue([r]);
    await settle();

    // The redelivery took the lease over, wrote the entries from the record and sent once: the
    // customer's sends and the coupon's issuer are found again.
    expect(await mailTo(`yun@${shop.shopId}.example.com`)).toHaveLength(1);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const ofCustomer = await records().ofCustomer(shop.shopId, 'yun', from, to);
    expect(ofCustomer.map((x) => x.sendId)).toEqual([r.sendId]);
    expect((await records().couponOf(shop.shopId, 'YUNBACK10'))?.sendId).toBe(r.sendId);
  });
});
