import { describe, expect, it } from 'vitest';
import { ev, stepTable } from '../../support/journey-steps.js';

/**
 * The playbooks every shop has on from the start (care a buyer expects: transactional, never
 * capped nor held for quiet hours), as step tables on the local stack. Lines are
 * `<when> <template> <channel> <customer> <order>`; `<when>` is after the table's start.
 */

describe('unpaid order reminder', () => {
  it('reminds 30 minutes after each unpaid order, calls last two hours before the 72-hour auto-close, and exits on payment or cancellation', async () => {
    const t = await stepTable({ customers: { ann: {}, ben: {}, cai: {} } });
    await t.run([
      {
        at: '+0m',
        events: [
          ev.placed('ann', 'SO-1', 79),
          ev.placed('ben', 'SO-2', 120),
          ev.placed('cai', 'SO-3', 60),
          // Reported already paid: nothing to remind.
          ev.paidOrder('cai', 'SO-4', 50),
        ],
        expect: [],
      },
      { at: '+29m', expect: [] },
      {
        at: '+32m',
        expect: [
          '+30m unpaid-reminder sms ann SO-1',
          '+30m unpaid-reminder sms ben SO-2',
          '+30m unpaid-reminder sms cai SO-3',
        ],
      },
      // Ann pays; Ben's order is cancelled (reported as a refund of the unpaid order).
      { at: '+2h', events: [ev.paid('ann', 'SO-1'), ev.refunded('ben', 'SO-2', 120)], expect: [] },
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

  // The event model has no delivery events (arrived in the buyer's city, out for delivery,
  // delivered): the playbook stands in a week after shipping for "delivered". See the report.
  it.todo(
    'tells the buyer the parcel arrived in their city, is out for delivery and was delivered, where the shop sends those events, and asks for a review days after delivery',
  );

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
