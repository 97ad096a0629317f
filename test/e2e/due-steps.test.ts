import { beforeAll, describe, expect, it } from 'vitest';
import { call, control, newShop, type Shop, stack } from '../support/api.js';

/** The local clock drives the schedules; journeys through the due index are in journeys-local-stack.test.ts. */
let shop: Shop;

beforeAll(async () => {
  shop = await newShop();
});

describe('schedules on the local clock', () => {
  it('refreshes lifecycle segments when fired by hand', async () => {
    // A minute before the stack's clock, wherever earlier files moved it.
    const now = Date.parse((await call(null, 'GET', '/v1/health')).body.time as string);
    const res = await fetch(`${stack().apiUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          {
            id: 'sig-1',
            type: 'signed_up',
            occurredAt: new Date(now - 60_000).toISOString(),
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
