import { describe, expect, it } from 'vitest';
import { call } from '../../support/api.js';
import { clockNow, ev, stepTable } from '../../support/journey-steps.js';

/**
 * Marketing after an order, as step tables on the local stack: honeymoon care after a first
 * order, and the offers after a big sale. Lines are `<when> <template> <channel> <customer> <order>`.
 */

describe('honeymoon care', () => {
  it('thanks a first order, brings care content three days on at 10:00 as the caps allow, then a coupon toward the second order', async () => {
    const t = await stepTable({
      enable: ['honeymoon-care'],
      customers: { ann: {}, ben: {} },
      startAt: '16:00',
    });
    await t.run([
      {
        at: '+0m',
        events: [
          ev.placed('ann', 'SO-1', 79),
          ev.paid('ann', 'SO-1'),
          ev.placed('ben', 'SO-2', 79),
          ev.paid('ben', 'SO-2'),
        ],
        expect: ['+0m honeymoon-thanks email ann SO-1', '+0m honeymoon-thanks email ben SO-2'],
      },
      // Ben's second order: the honeymoon is over for him.
      { at: '+1d', events: [ev.paidOrder('ben', 'SO-3', 50)], expect: [] },
      {
        at: '+3d19h',
        expect: [
          // Care content on the fourth day at 10:00; one marketing message a week, and it would come late.
          '+3d18h honeymoon-care-content email ann SO-1 (withheld: activity-cap-past-expiry)',
        ],
      },
      { at: '+13d19h', expect: ['+13d18h honeymoon-coupon email ann SO-1 [coupon]'] },
    ]);
  });
});

describe('after a big sale', () => {
  it('thanks only new customers who spent 299 or more within the sale window', async () => {
    const t = await stepTable({
      enable: ['after-big-sale'],
      customers: { ann: {}, ben: {}, cai: {} },
      startAt: '10:00',
    });
    // The sale: the table's first day.
    const definition = (await call(t.shop, 'GET', '/v1/journeys/after-big-sale')).body.definition;
    const until = new Date(t.start + 86_400_000).toISOString();
    const edited = await call(t.shop, 'PUT', '/v1/journeys/after-big-sale', {
      ...definition,
      entry: { ...definition.entry, from: new Date(t.start).toISOString(), until },
    });
    expect(edited.status).toBe(200);
    expect(await clockNow()).toBeLessThan(Date.parse(until));
    await t.run([
      {
        at: '+0m',
        // Cai spent too little.
        events: [ev.paidOrder('ann', 'SO-1', 399), ev.paidOrder('cai', 'SO-3', 199)],
        expect: ['+0m sale-thanks email ann SO-1 [coupon]'],
      },
      // Ben's big order came after the sale.
      { at: '+2d', events: [ev.paidOrder('ben', 'SO-2', 599)], expect: [] },
    ]);
  });

  // Up to five times, a month apart: the step table on fakes (test/unit/shared/use-cases/journeys/
  // more-playbooks.test.ts) runs the five months; here the first, to keep the local clock's run short.
  it('comes back a month on with a coupon while the customer does not return, and not to one who did', async () => {
    const t = await stepTable({
      enable: ['after-big-sale'],
      customers: { ann: {}, dan: {} },
      startAt: '10:00',
    });
    await t.run([
      {
        at: '+0m',
        events: [ev.paidOrder('ann', 'SO-1', 399), ev.paidOrder('dan', 'SO-4', 299)],
        expect: ['+0m sale-thanks email ann SO-1 [coupon]', '+0m sale-thanks email dan SO-4 [coupon]'],
      },
      // Dan comes back by himself ten days on.
      { at: '+10d', events: [ev.paidOrder('dan', 'SO-5', 80)], expect: [] },
      { at: '+29d23h', expect: [] },
      { at: '+31d', expect: ['+30d sale-come-back email ann SO-1 [coupon]'] },
    ]);
  });
});
