import { describe, expect, it } from 'vitest';
import { ev, journeysWorld } from '../../../../support/journeys-world.js';

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
    await w.post([ev.shipped('s1', 'SO-1'), ev.shipped('s2', 'SO-2', 'c-2')]);
    await w.postAt('2026-11-05T00:00:00.000Z', [ev.refunded('r2', 'SO-2', 79, 'c-2')]);
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
    await w.post([ev.placed('o1', 'SO-1', { paidAt: '2026-11-02T08:00:00.000Z' })]);
    await w.postAt('2026-12-02T08:00:00.000Z', [
      ev.placed('o2', 'SO-2', { total: 5000, paidAt: '2026-12-02T08:00:00.000Z' }),
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
    await w.post([ev.placed('o1', 'SO-1', { paidAt: w.clock.iso() })]);
    await w.postAt('2026-12-02T08:00:00.000Z', [
      ev.placed('o2', 'SO-2', { total: 5000, paidAt: '2026-12-02T08:00:00.000Z' }),
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
    const id = await w.enableWithCustomer('browse-abandonment');
    const product = { url: 'https://tea.example/p/longjing', sku: 'longjing-250', name: 'Longjing 250 g' };
    for (const n of [1, 2, 3]) {
      await w.post([ev.viewed(`v${n}`, id, product)]);
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
    const id = await w.enableWithCustomer('browse-abandonment');
    const view = (n: number) => ev.viewed(`v${n}`, id, { url: '/p/longjing', sku: 'longjing-250' });
    await w.post([view(1)]);
    await w.postAt('2026-11-02T08:10:00.000Z', [view(2)]);
    await w.postAt('2026-11-02T08:20:00.000Z', [view(3)]);
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
    const id = await w.enableWithCustomer('honeymoon-care');
    await w.post([ev.placed('o1', 'SO-1', { customerId: id }), ev.paid('p1', 'SO-1', id)]);
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
  /** A customer the playbook reaches, with a first order of 399 paid as placed at the clock's start. */
  const bigFirstOrder = async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('after-big-sale');
    await w.post([
      ev.placed('o1', 'SO-1', { customerId: id, total: 399, paidAt: '2026-11-02T08:00:00.000Z' }),
    ]);
    return { w, id };
  };

  it('thanks a big first order, comes back monthly up to five times', async () => {
    const { w } = await bigFirstOrder();
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
    const { w, id } = await bigFirstOrder();
    await w.runUntil('2027-01-15T00:00:00.000Z');
    await w.postAt('2027-01-15T00:00:00.000Z', [
      ev.placed('o2', 'SO-2', { customerId: id, total: 50, paidAt: '2027-01-15T00:00:00.000Z' }),
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
