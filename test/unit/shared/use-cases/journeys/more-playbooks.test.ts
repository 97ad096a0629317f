import { describe, expect, it } from 'vitest';
import { journeysWorld, reachable } from '../../../../support/journeys-world.js';

const items = [{ sku: 'longjing-250', category: 'green-tea', price: 79, quantity: 1 }];
const order = (orderId: string, total: number, extra: Record<string, unknown> = {}) => ({
  orderId,
  total,
  currency: 'CNY',
  items,
  ...extra,
});
const paidOrder = (orderId: string, total: number, at: string) => order(orderId, total, { paidAt: at });

/**
 * The playbooks runtime.test.ts and playbook-runs.test.ts leave out, as step tables: events in
 * through the API and the stream, the clock moved to each minute something is due, the send
 * requests out as `<UTC minute> <template> <key>`. The tea shop is in Asia/Shanghai (UTC+8): quiet
 * hours 21:00-09:00 there are 13:00-01:00 UTC. The clock starts at 2026-11-02T08:00Z.
 */

describe('order care (on by default)', () => {
  it('sends the shipping notice at once, the review request a week on at 10:00, and stops at a refund', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.person('c-2');
    await w.post([
      {
        id: 's1',
        type: 'order_shipped',
        customerId: 'c-1',
        properties: { orderId: 'SO-1', carrier: 'SF', trackingNumber: 'SF1' },
      },
      {
        id: 's2',
        type: 'order_shipped',
        customerId: 'c-2',
        properties: { orderId: 'SO-2', carrier: 'SF', trackingNumber: 'SF2' },
      },
    ]);
    w.clock.set('2026-11-05T00:00:00.000Z');
    await w.post([
      {
        id: 'r2',
        type: 'order_refunded',
        customerId: 'c-2',
        properties: { orderId: 'SO-2', refundId: 'R-2', amount: 79 },
      },
    ]);
    await w.runUntil('2026-11-20T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 order-shipped SO-1',
      '2026-11-02T08:00 order-shipped SO-2',
      // A week after shipping is 16:00 in Shanghai: the review request waits for 10:00 there. SO-2 was refunded.
      '2026-11-10T02:00 review-request SO-1',
    ]);
  });
});

describe('tier change (on by default)', () => {
  it('sends the notice at every change of tier', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.post([
      {
        id: 'o1',
        type: 'order_placed',
        customerId: 'c-1',
        properties: paidOrder('SO-1', 79, '2026-11-02T08:00:00.000Z'),
      },
    ]);
    w.clock.set('2026-12-02T08:00:00.000Z');
    await w.post([
      {
        id: 'o2',
        type: 'order_placed',
        customerId: 'c-1',
        properties: paidOrder('SO-2', 5000, '2026-12-02T08:00:00.000Z'),
      },
    ]);
    await w.runUntil('2026-12-10T00:00:00.000Z');
    // Paying made her a member (a first tier: no message); the big order moved her up: transactional,
    // never capped.
    expect(w.takeLines()).toEqual(['2026-12-02T08:00 tier-changed']);
  });
});

describe('what the journey messages carry for their templates', () => {
  it('the tier change notice lists the new tier’s benefits as the shop’s settings say at dispatch', async () => {
    const w = journeysWorld();
    w.settings.tiers = w.settings.tiers.map((t) =>
      t.name === 'vip' ? { ...t, benefits: ['10% off everything', 'Free shipping'] } : t,
    );
    await w.person('c-1');
    await w.post([
      { id: 'o1', type: 'order_placed', customerId: 'c-1', properties: paidOrder('SO-1', 79, w.clock.iso()) },
    ]);
    w.clock.set('2026-12-02T08:00:00.000Z');
    await w.post([
      {
        id: 'o2',
        type: 'order_placed',
        customerId: 'c-1',
        properties: paidOrder('SO-2', 5000, w.clock.iso()),
      },
    ]);
    const notice = w.delivered.find((r) => r.templateId === 'tier-changed');
    expect(notice?.data?.tierChange).toEqual({
      from: 'member',
      to: 'vip',
      benefits: ['10% off everything', 'Free shipping'],
    });
  });

  it('the browse reminder names the product viewed, as the shop’s page view described it', async () => {
    const w = journeysWorld();
    await w.enable('browse-abandonment');
    const id = reachable('browse-abandonment');
    await w.person(id);
    const product = { url: 'https://tea.example/p/longjing', sku: 'longjing-250', name: 'Longjing 250 g' };
    for (const n of [1, 2, 3]) {
      await w.post([{ id: `v${n}`, type: 'page_viewed', customerId: id, properties: product }]);
      w.clock.set(`2026-11-02T08:${n}0:00.000Z`);
    }
    await w.runUntil('2026-11-10T00:00:00.000Z');
    const reviews = w.delivered.find((r) => r.templateId === 'browse-reviews');
    expect(reviews?.data?.products).toEqual([product]);
  });
});

describe('browse abandonment', () => {
  it('sends reviews after three views and a week away, then a coupon when neither opened nor visited', async () => {
    const w = journeysWorld();
    await w.enable('browse-abandonment');
    const id = reachable('browse-abandonment');
    await w.person(id);
    const view = (n: number) => ({
      id: `v${n}`,
      type: 'page_viewed',
      customerId: id,
      properties: { url: '/p/longjing', sku: 'longjing-250' },
    });
    await w.post([view(1)]);
    w.clock.set('2026-11-02T08:10:00.000Z');
    await w.post([view(2)]);
    w.clock.set('2026-11-02T08:20:00.000Z');
    await w.post([view(3)]);
    await w.runUntil('2026-12-01T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      // A week after the third view with no return.
      '2026-11-09T08:20 browse-reviews longjing-250',
      // Neither opened nor visited within the next week: the coupon.
      '2026-11-16T08:20 browse-coupon longjing-250 [coupon]',
    ]);
  });
});

describe('honeymoon care', () => {
  it('thanks the first order, brings care content at 10:00 three days on, then a coupon', async () => {
    const w = journeysWorld();
    await w.enable('honeymoon-care');
    const id = reachable('honeymoon-care');
    await w.person(id);
    await w.post([
      { id: 'o1', type: 'order_placed', customerId: id, properties: order('SO-1', 79) },
      { id: 'p1', type: 'order_paid', customerId: id, properties: { orderId: 'SO-1' } },
    ]);
    await w.runUntil('2026-12-01T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 honeymoon-thanks SO-1',
      // Three days on, 10:00 in Shanghai; warm (a week between marketing messages): it expires first.
      '2026-11-06T02:00 honeymoon-care-content SO-1 (withheld: activity-cap-past-expiry)',
      '2026-11-16T02:00 honeymoon-coupon SO-1 [coupon]',
    ]);
  });
});

describe('after a big sale', () => {
  it('thanks a big first order, comes back monthly up to five times', async () => {
    const w = journeysWorld();
    await w.enable('after-big-sale');
    const id = reachable('after-big-sale');
    await w.person(id);
    await w.post([
      {
        id: 'o1',
        type: 'order_placed',
        customerId: id,
        properties: paidOrder('SO-1', 399, '2026-11-02T08:00:00.000Z'),
      },
    ]);
    await w.runUntil('2027-06-01T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 sale-thanks SO-1 [coupon]',
      '2026-12-02T08:00 sale-come-back SO-1 [coupon]',
      '2027-01-01T08:00 sale-come-back SO-1 [coupon]',
      '2027-01-31T08:00 sale-come-back SO-1 [coupon]',
      '2027-03-02T08:00 sale-come-back SO-1 [coupon]',
      // The fifth and last.
      '2027-04-01T08:00 sale-come-back SO-1 [coupon]',
    ]);
  });
  it('stops at a new order', async () => {
    const w = journeysWorld();
    await w.enable('after-big-sale');
    const id = reachable('after-big-sale');
    await w.person(id);
    await w.post([
      {
        id: 'o1',
        type: 'order_placed',
        customerId: id,
        properties: paidOrder('SO-1', 399, '2026-11-02T08:00:00.000Z'),
      },
    ]);
    await w.runUntil('2027-01-15T00:00:00.000Z');
    w.clock.set('2027-01-15T00:00:00.000Z');
    await w.post([
      {
        id: 'o2',
        type: 'order_placed',
        customerId: id,
        properties: paidOrder('SO-2', 50, '2027-01-15T00:00:00.000Z'),
      },
    ]);
    await w.runUntil('2027-06-01T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 sale-thanks SO-1 [coupon]',
      '2026-12-02T08:00 sale-come-back SO-1 [coupon]',
      '2027-01-01T08:00 sale-come-back SO-1 [coupon]',
      // She came back on 2027-01-15: nothing more.
    ]);
  });
});
