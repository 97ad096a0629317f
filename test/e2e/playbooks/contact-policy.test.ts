import { describe, expect, it } from 'vitest';
import { call } from '../../support/api.js';
import { ev, stepTable } from '../../support/journey-steps.js';

/**
 * The default contact policy on journeys, end to end on the local stack: quiet hours (21:00-09:00
 * shop time), merging, caps, expiry and consent, each message not sent recorded with its reason.
 * The shop is in Shanghai; `<when>` is after the table's start.
 */

describe('the contact policy on journeys', () => {
  it('holds a marketing message due in quiet hours until 09:00 shop time', async () => {
    const t = await stepTable({ enable: ['cart-abandonment'], customers: { ann: {} }, startAt: '20:30' });
    await t.run([
      { at: '+0m', events: [ev.cart('ann', ['longjing-250'])], expect: [] },
      // Due at 21:30: quiet.
      { at: '+12h29m', expect: [] },
      { at: '+12h32m', expect: ['+12h30m cart-reminder email ann'] },
    ]);
  });

  it('sends two marketing messages due together as one, the more important first', async () => {
    const t = await stepTable({
      enable: ['honeymoon-care', 'after-big-sale'],
      customers: { ann: {} },
      startAt: '10:00',
    });
    await t.run([
      {
        at: '+0m',
        // A first order of 399, paid: the honeymoon thanks (priority 6) and the big-sale thanks (5).
        events: [ev.placed('ann', 'SO-1', 399), ev.paid('ann', 'SO-1')],
        expect: [
          '+0m sale-thanks email ann SO-1 [coupon] (withheld: merged)',
          '+0m honeymoon-thanks email ann SO-1 + sale-thanks',
        ],
      },
    ]);
  });

  it('drops a deferred promotion that would go after it expires, with the reason', async () => {
    const t = await stepTable({ enable: ['cart-abandonment'], customers: { ann: {} }, startAt: '20:00' });
    // The shop's edit: the first reminder is worth sending within the hour only.
    const definition = (await call(t.shop, 'GET', '/v1/journeys/cart-abandonment')).body.definition;
    const edited = await call(t.shop, 'PUT', '/v1/journeys/cart-abandonment', {
      ...definition,
      steps: definition.steps.map((s: { id: string }) =>
        s.id === 'hour-1' ? { ...s, expiresAfter: { hours: 1 } } : s,
      ),
    });
    expect(edited.status).toBe(200);
    await t.run([
      { at: '+0m', events: [ev.cart('ann', ['longjing-250'])], expect: [] },
      // Due at 21:00, quiet until 09:00, expired at 22:00.
      { at: '+1h2m', expect: ['+1h cart-reminder email ann (withheld: quiet-hours-past-expiry)'] },
    ]);
  });

  it('caps marketing by activity level: a warm customer one message a week, an active one two', async () => {
    const t = await stepTable({
      enable: ['welcome-series'],
      customers: { ann: {}, ben: {} },
      startAt: '10:00',
    });
    await t.run([
      {
        at: '+0m',
        events: [ev.signedUp('ann'), ev.signedUp('ben')],
        expect: ['+0m welcome-account email ann', '+0m welcome-account email ben'],
      },
      // Ben is back twice: visits at two moments this month make him active. Ann, seen once, is warm.
      { at: '+1h', events: [ev.viewed('ben', 'longjing-250')], expect: [] },
      { at: '+2h', events: [ev.viewed('ben', 'longjing-250')], expect: [] },
      { at: '+1d2m', expect: ['+1d welcome-need-help email ann', '+1d welcome-need-help email ben'] },
      {
        at: '+4d2m',
        expect: [
          // Ann's next slot is a week after day 2, after the ask expires: dropped, with the reason.
          '+4d welcome-feedback email ann (withheld: activity-cap-past-expiry)',
          '+4d welcome-feedback email ben',
        ],
      },
    ]);
  });

  it('sends no marketing to a customer who has not agreed to it, recording why, while care messages still go', async () => {
    const t = await stepTable({
      enable: ['cart-abandonment'],
      customers: { ann: { marketingConsent: false }, ben: {} },
      startAt: '10:00',
    });
    await t.run([
      { at: '+0m', events: [ev.cart('ann', ['longjing-250']), ev.cart('ben', ['longjing-250'])], expect: [] },
      {
        at: '+1h2m',
        expect: ['+1h cart-reminder email ann (withheld: no-consent)', '+1h cart-reminder email ben'],
      },
      // Her order ends the cart journey; the unpaid reminder is care, which needs no marketing consent.
      { at: '+2h', events: [ev.placed('ann', 'SO-1', 79)], expect: [] },
      { at: '+2h32m', expect: ['+2h30m unpaid-reminder sms ann SO-1'] },
    ]);
  });
});
