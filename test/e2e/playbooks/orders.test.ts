import { describe, expect, it } from 'vitest';
import { ev, stepTable } from '../../support/journey-steps.js';

/**
 * The playbooks every shop has on from the start (care a buyer expects: transactional, never
 * capped nor held for quiet hours), as step tables on the local stack. Lines are
 * `<when> <template> <channel> <customer> <order>`; `<when>` is after the table's start.
 */

describe('unpaid order reminder', () => {
  it('reminds 30 minutes after each unpaid order, calls last two hours before the 72-hour auto-close, and exits on payment or cancellation', async () => {
    const t = await stepTable({ customers: { ann: {}, ben: {}, cai: {}, dan: {} } });
    await t.run([
      {
        at: '+0m',
        events: [
          ev.placed('ann', 'SO-1', 79),
          ev.placed('ben', 'SO-2', 120),
          ev.placed('cai', 'SO-3', 60),
          // Reported already paid: nothing to remind.
          ev.paidOrder('cai', 'SO-4', 50),
          ev.placed('dan', 'SO-5', 45),
        ],
        expect: [],
      },
      // Dan's order is cancelled before the first reminder is due: he hears nothing.
      { at: '+10m', events: [ev.cancelled('dan', 'SO-5')], expect: [] },
      { at: '+29m', expect: [] },
      {
        at: '+32m',
        expect: [
          '+30m unpaid-reminder sms ann SO-1',
          '+30m unpaid-reminder sms ben SO-2',
          '+30m unpaid-reminder sms cai SO-3',
        ],
      },
      // Ann pays; Ben's order is cancelled.
      { at: '+2h', events: [ev.paid('ann', 'SO-1'), ev.cancelled('ben', 'SO-2')], expect: [] },
      // The last call 69.5 hours after the first reminder: two hours before the auto-close at 72 hours.
      { at: '+2d21h59m', expect: [] },
      { at: '+3d1h', expect: ['+2d22h unpaid-last-call sms cai SO-3'] },
    ]);
  });
});

describe('order care', () => {
  it('sends the shipping notice at once, the review request a week on at 10:00 on the customer clock, and stops at a refund', async () => {
    // 16:00 in Shanghai: a week on, the review request waits for the next 10:00.
    const t = await stepTable({ customers: { ann: {}, ben: {} }, startAt: '16:00' });
    await t.run([
      {
        at: '+0m',
        events: [ev.shipped('ann', 'SO-1'), ev.shipped('ben', 'SO-2')],
        expect: ['+0m order-shipped sms ann SO-1', '+0m order-shipped sms ben SO-2'],
      },
      { at: '+3d', events: [ev.refunded('ben', 'SO-2', 79)], expect: [] },
      { at: '+7d17h59m', expect: [] },
      { at: '+8d', expect: ['+7d18h review-request email ann SO-1'] },
    ]);
  });

  it('tells the buyer the parcel arrived in their city, is out for delivery and was delivered, where the shop sends those events, and asks for a review days after delivery', async () => {
    const t = await stepTable({ customers: { ann: {}, cai: {} }, startAt: '16:00' });
    await t.run([
      {
        at: '+0m',
        events: [ev.shipped('ann', 'SO-1'), ev.shipped('cai', 'SO-3')],
        expect: ['+0m order-shipped sms ann SO-1', '+0m order-shipped sms cai SO-3'],
      },
      {
        at: '+1d',
        events: [ev.delivery('ann', 'SO-1', 'arrived_in_city', 'Hangzhou')],
        expect: ['+1d order-arrived sms ann SO-1'],
      },
      // The carrier scans the parcel into the city again: no second notice.
      { at: '+1d1h', events: [ev.delivery('ann', 'SO-1', 'arrived_in_city', 'Hangzhou')], expect: [] },
      {
        at: '+1d18h',
        events: [ev.delivery('ann', 'SO-1', 'out_for_delivery'), ev.cancelled('cai', 'SO-3')],
        expect: ['+1d18h order-out-for-delivery sms ann SO-1'],
      },
      {
        at: '+1d22h',
        // Cai's order was cancelled: its updates tell him nothing.
        events: [ev.delivery('ann', 'SO-1', 'delivered'), ev.delivery('cai', 'SO-3', 'delivered')],
        expect: ['+1d22h order-delivered sms ann SO-1'],
      },
      // Delivered at 14:00 there; three days on, the review request waits for the next 10:00.
      { at: '+5d17h59m', expect: [] },
      { at: '+6d', expect: ['+5d18h review-request email ann SO-1'] },
      // No week-on fallback for either: Ann's came, Cai's order is gone.
      { at: '+9d', expect: [] },
    ]);
    expect((await t.delivered('ann', 'order-out-for-delivery')).text).toContain('SO-1');
  });

  it('names the carrier and the tracking number in the shipping notice', async () => {
    const t = await stepTable({ customers: { ann: {} } });
    await t.run([
      { at: '+0m', events: [ev.shipped('ann', 'SO-7')], expect: ['+0m order-shipped sms ann SO-7'] },
    ]);
    const sms = await t.delivered('ann', 'order-shipped');
    expect(sms.text).toContain('SO-7');
    expect(sms.text).toContain('SF Express');
    expect(sms.text).toContain('SFSO-7');
  });
});

describe('tier change', () => {
  it('tells a member who moves up the new tier, and says nothing of the first tier a buyer lands in', async () => {
    const t = await stepTable({ customers: { ann: {} } });
    await t.run([
      { at: '+0m', events: [ev.paidOrder('ann', 'SO-1', 79)], expect: [] },
      {
        at: '+1d',
        events: [ev.paidOrder('ann', 'SO-2', 5000)],
        expect: ['+1d tier-changed email ann'],
      },
    ]);
    // 5,079 spent: vip.
    expect((await t.delivered('ann', 'tier-changed')).subject).toContain('vip');
  });
});
