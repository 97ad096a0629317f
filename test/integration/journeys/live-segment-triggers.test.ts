import { beforeAll, describe, expect, it } from 'vitest';
import { call, control, newShop, type Shop, settle } from '../../support/api.js';
import { orderPaid, orderPlaced } from '../../support/events.js';
import { queuedSendRequests } from '../../support/send-queue.js';

/**
 * A journey triggered on entering a live custom segment, on the local stack: the segment and the
 * journey made through the API, orders posted, and the stream's commit that takes the customer in
 * emits `segment_entered`, which the stream brings back to journeys. No refresh runs.
 */
let shop: Shop;
let at: (daysAgo: number) => string;
const thanks = () =>
  queuedSendRequests(shop.shopId, 'journey').filter(
    (r) => r.intent.source.kind === 'journey' && r.intent.source.journeyId === 'big-spender-thanks',
  );

beforeAll(async () => {
  shop = await newShop();
  // The stack's clock: other files may have moved it on.
  const now = Date.parse((await control<{ now: string }>('GET', '/state')).now);
  at = (d) => new Date(now - d * 86_400_000).toISOString();
  const segment = await call(shop, 'POST', '/v1/segments', {
    id: 'big-spender',
    name: 'Spent 500 or more',
    rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 },
  });
  expect(segment.status).toBe(201);
  const journey = await call(shop, 'POST', '/v1/journeys', {
    id: 'big-spender-thanks',
    name: 'Thanks, big spender',
    trigger: { type: 'segment', segments: ['big-spender'], on: 'entered' },
    steps: [
      {
        id: 'thanks',
        type: 'send',
        channel: 'email',
        template: 'big-spender-thanks',
        purpose: 'transactional',
      },
    ],
  });
  expect(journey.status).toBe(201);
  expect((await call(shop, 'POST', '/v1/journeys/big-spender-thanks/enable')).status).toBe(200);
  await call(shop, 'PUT', '/v1/customers/lan', { name: 'Lan', email: 'lan@example.com' });
});

describe('a journey triggered on entering a live segment, on the local stack', () => {
  it('queues nothing while the customer is under the line', async () => {
    await call(shop, 'POST', '/v1/events', {
      events: [
        orderPlaced({ customerId: 'lan' }, { orderId: 'L1', total: 320, at: at(20) }),
        orderPaid({ customerId: 'lan' }, 'L1', at(20)),
      ],
    });
    await settle();
    expect((await call(shop, 'GET', '/v1/customers/lan')).body.segments).not.toContain('big-spender');
    expect(thanks()).toEqual([]);
  });

  it('queues the journey’s message once when an order takes the customer over it, and not again on a replay', async () => {
    const events = [
      orderPlaced({ customerId: 'lan' }, { orderId: 'L2', total: 280, at: at(2) }),
      orderPaid({ customerId: 'lan' }, 'L2', at(2)),
    ];
    await call(shop, 'POST', '/v1/events', { events });
    await settle();
    const customer = (await call(shop, 'GET', '/v1/customers/lan')).body;
    expect(customer.segments).toContain('big-spender');
    expect(thanks()).toEqual([
      expect.objectContaining({
        channel: 'email',
        templateId: 'big-spender-thanks',
        intent: expect.objectContaining({ customerId: 'lan', step: 'thanks' }),
        data: expect.objectContaining({ trigger: { segment: 'big-spender' } }),
      }),
    ]);

    // The same orders again, and another over the line: still the one message.
    await call(shop, 'POST', '/v1/events', {
      events: [...events, orderPlaced({ customerId: 'lan' }, { orderId: 'L3', total: 60, at: at(1) })],
    });
    await settle();
    expect(thanks()).toHaveLength(1);
  });
});
