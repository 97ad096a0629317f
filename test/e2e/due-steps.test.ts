import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoDueStepStore } from '../../shared/adapters/dynamodb/due-step-store.js';
import { advance, control, newShop, type Shop, sentMail, stack, useStackDynamoDb } from '../support/api.js';

/** The local clock drives the minute runner: a step due in two hours is sent once, when it falls due. */
let shop: Shop;
let steps: DynamoDueStepStore;

beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
  steps = new DynamoDueStepStore(createDocumentClient(), stack().tableName);
});

function welcomeStep(stepId: string, dueAt: number, to: string) {
  return steps.schedule({
    shopId: shop.shopId,
    stepId,
    dueAt: new Date(dueAt).toISOString(),
    message: {
      sendId: `welcome:${to}`,
      shopId: shop.shopId,
      customerId: 'c-1',
      channel: 'email',
      to,
      subject: 'Your first tea',
      text: 'Welcome!',
    },
  });
}

describe('due steps on the local clock', () => {
  it('sends an email when its step falls due, once, through the local SES', async () => {
    const { now } = await control<{ now: string }>('GET', '/state');
    const to = `care-${randomUUID().slice(0, 6)}@example.com`;
    await welcomeStep('welcome-2h', Date.parse(now) + 2 * 3_600_000, to);
    await advance('1h');
    expect((await sentMail()).filter((m) => m.to === to)).toHaveLength(0);
    const { fired } = await advance('90m');
    expect(fired).toBeGreaterThanOrEqual(90);
    const mail = (await sentMail()).filter((m) => m.to === to);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ subject: 'Your first tea', from: 'care@demo-shop.local' });
    // Scheduling the same send again (a retried journey step) does not send twice.
    await welcomeStep('welcome-2h-retry', Date.parse(now) + 4 * 3_600_000, to);
    await advance('2h');
    expect((await sentMail()).filter((m) => m.to === to)).toHaveLength(1);
  });

  it('sends an SMS to the local outbox, never to a phone', async () => {
    const { now } = await control<{ now: string }>('GET', '/state');
    await steps.schedule({
      shopId: shop.shopId,
      stepId: 'ship-notice',
      dueAt: new Date(Date.parse(now) + 5 * 60_000).toISOString(),
      message: {
        sendId: 'ship:SO-9',
        shopId: shop.shopId,
        customerId: 'c-2',
        channel: 'sms',
        to: '+8613800138000',
        text: 'Your tea has shipped: SF1234567890',
      },
    });
    await advance('10m');
    const outbox = readFileSync(stack().smsOutbox, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(outbox.filter((m) => m.sendId === 'ship:SO-9')).toEqual([
      expect.objectContaining({
        to: '+8613800138000',
        text: 'Your tea has shipped: SF1234567890',
        shopId: shop.shopId,
      }),
    ]);
  });

  it('refreshes lifecycle segments when fired by hand', async () => {
    const res = await fetch(`${stack().apiUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          {
            id: 'sig-1',
            type: 'signed_up',
            occurredAt: new Date(Date.now() - 60_000).toISOString(),
            customerId: 'fresh',
            properties: {},
          },
        ],
      }),
    });
    expect(res.status).toBe(202);
    await control('POST', '/settle');
    await control('POST', '/fire/segment-refresh', { shopIds: [shop.shopId] });
    const customer = await fetch(`${stack().apiUrl}/v1/customers/fresh`, {
      headers: { authorization: `Bearer ${shop.apiKey}` },
    });
    // One contact (the sign-up) is warm; active takes two within 30 days (segments README).
    expect(((await customer.json()) as { segments: string[] }).segments).toEqual([
      'activity:warm',
      'lifecycle:new',
    ]);
  });
});
