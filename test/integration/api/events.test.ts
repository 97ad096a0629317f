import { beforeAll, describe, expect, it } from 'vitest';
import { call, newShop, type Shop, settle } from '../../support/api.js';
import { orderPaid, orderPlaced, orderRefunded, pageViewed } from '../../support/events.js';

let shop: Shop;
let other: Shop;
beforeAll(async () => {
  shop = await newShop();
  other = await newShop();
});

describe('POST /v1/events', () => {
  it('answers health without a key and refuses events without one', async () => {
    expect((await call(null, 'GET', '/v1/health')).body.status).toBe('ok');
    const res = await call(null, 'POST', '/v1/events', { events: [] });
    expect(res.status).toBe(401);
    expect(
      (await call({ shopId: 'x', apiKey: 'hk_notarealkeynotarealkey' }, 'POST', '/v1/events', { events: [] }))
        .status,
    ).toBe(401);
  });

  it('accepts a batch, counts a resent batch as duplicates, and keeps live stats', async () => {
    const who = { customerId: 'alice', phone: '138 0013 8000' };
    const batch = [
      orderPlaced(who, { orderId: 'A-1', total: 79, at: '2026-09-01T20:00:00+08:00' }),
      orderPaid(who, 'A-1', '2026-09-01T20:02:00+08:00'),
      orderPlaced(who, { orderId: 'A-2', total: 85.5, at: '2026-10-01T20:00:00+08:00', coupon: 'AUTUMN5' }),
      orderPaid(who, 'A-2', '2026-10-01T20:03:00+08:00'),
      pageViewed(who, 'longjing-250', 'green-tea', '2026-10-02T08:00:00+08:00'),
    ];
    const first = await call(shop, 'POST', '/v1/events', { events: batch });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: 5, duplicates: 0 });
    const again = await call(shop, 'POST', '/v1/events', { events: batch });
    expect(again.body).toEqual({ accepted: 0, duplicates: 5 });
    await settle();
    const alice = await call(shop, 'GET', '/v1/customers/alice');
    expect(alice.status).toBe(200);
    expect(alice.body.stats).toMatchObject({
      paidOrderCount: 2,
      totalSpend: 164.5,
      averageOrderValue: 82.25,
      firstOrderAt: '2026-09-01T12:00:00.000Z',
      lastOrderAt: '2026-10-01T12:00:00.000Z',
      orderIntervalsDays: [30],
      couponsUsed: { AUTUMN5: 1 },
    });
    expect(alice.body.tier).toBe('member');
    expect(alice.body.recentEvents.map((e: { type: string }) => e.type)).toContain('tier_changed');
  });

  it('rejects a batch with any invalid event whole, naming every problem', async () => {
    const good = orderPlaced(
      { customerId: 'bob' },
      { orderId: 'B-1', total: 10, at: '2026-10-01T00:00:00Z' },
    );
    const res = await call(shop, 'POST', '/v1/events', {
      events: [
        good,
        { ...good, id: 'x1', type: 'order_teleported' },
        { ...good, id: 'x2', properties: { ...good.properties, total: 'ten' } },
        { ...good, id: 'x3', occurredAt: '2099-01-01T00:00:00Z' },
        { ...good, id: 'x4', occurredAt: '2026-10-01 00:00' },
        { ...good, id: good.id },
        { ...good, id: 'x5', customerId: undefined },
        { ...good, id: 'x6', surprise: true },
        { ...good, id: 'x7', customerId: undefined, phone: 'not a phone' },
      ],
    });
    expect(res.status).toBe(400);
    const at = (i: number) =>
      res.body.issues.filter((x: { index: number }) => x.index === i).map((x: { path: string }) => x.path);
    expect(at(1)).toContain('events.1.type');
    expect(at(2)).toContain('events.2.properties.total');
    expect(at(3)).toContain('events.3.occurredAt');
    expect(at(4)).toContain('events.4.occurredAt');
    expect(at(5)).toContain('events.5.id');
    expect(at(6)).toContain('events.6.customerId');
    expect(at(7).join()).toMatch(/events\.7/);
    expect(at(8)).toContain('events.8.phone');
    // Nothing of the rejected batch was kept: the good event is still new.
    expect((await call(shop, 'POST', '/v1/events', { events: [good] })).body).toEqual({
      accepted: 1,
      duplicates: 0,
    });
  });

  it('rejects malformed JSON, an oversize batch and an oversize body', async () => {
    const malformed = await call(shop, 'POST', '/v1/events', '{"events": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.issues[0].path).toBe('(body)');
    const tooMany = Array.from({ length: 101 }, (_, i) =>
      pageViewed({ customerId: 'c' }, `s${i}`, 'tea', '2026-10-01T00:00:00Z'),
    );
    const oversize = await call(shop, 'POST', '/v1/events', { events: tooMany });
    expect(oversize.status).toBe(400);
    expect(oversize.body.issues[0].path).toBe('events');
    const huge = await call(shop, 'POST', '/v1/events', { events: [{ pad: 'x'.repeat(1_100_000) }] });
    expect(huge.status).toBe(413);
  });

  it("never shows one shop another shop's customer", async () => {
    // The shop that owns alice sees her; the other shop, with a valid key of its own, does not.
    expect((await call(shop, 'GET', '/v1/customers/alice')).status).toBe(200);
    expect((await call(other, 'GET', '/v1/customers/alice')).status).toBe(404);
    expect((await call(other, 'DELETE', '/v1/customers/alice')).status).toBe(404);
    // Its own alice is another customer: writing her leaves the first shop's alice as she was.
    const before = (await call(shop, 'GET', '/v1/customers/alice')).body;
    expect((await call(other, 'PUT', '/v1/customers/alice', { name: 'Another Alice' })).status).toBe(200);
    expect((await call(other, 'GET', '/v1/customers/alice')).body.traits).toEqual({ name: 'Another Alice' });
    expect((await call(shop, 'GET', '/v1/customers/alice')).body).toEqual(before);
    expect((await call(shop, 'GET', '/v1/customers/nobody')).status).toBe(404);
  });

  it('nets refunds and unifies a phone-only event with the customer who owns the phone', async () => {
    const res = await call(shop, 'POST', '/v1/events', {
      events: [
        orderRefunded({ customerId: 'alice' }, 'A-2', 85.5, '2026-10-05T00:00:00Z'),
        orderPlaced({ phone: '+8613800138000' }, { orderId: 'A-3', total: 20, at: '2026-10-06T00:00:00Z' }),
        orderPaid({ phone: '+8613800138000' }, 'A-3', '2026-10-06T00:01:00Z'),
      ],
    });
    expect(res.status).toBe(202);
    await settle();
    const alice = await call(shop, 'GET', '/v1/customers/alice');
    expect(alice.body.stats).toMatchObject({ paidOrderCount: 2, totalSpend: 99 });
  });

  it('limits each shop to its request rate with 429 and Retry-After', async () => {
    const slow = await newShop({ rateLimitPerSecond: 2 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call(slow, 'GET', '/v1/customers/nobody')),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers.get('retry-after')).toBe('1');
  });
});
