import { describe, expect, it } from 'vitest';
import { call } from '../../support/api.js';
import { ev, stepTable } from '../../support/journey-steps.js';

/**
 * Marketing playbooks a shop turns on, as step tables on the local stack: welcome series, cart and
 * browse abandonment. Lines are `<when> <template> <channel> <customer> [key]`; `<when>` is after
 * the table's start (10:00 in Shanghai, the shop's zone, so quiet hours stay out of the way).
 * Default contact policy: a customer seen lately is warm, one marketing message a week.
 */

describe('welcome series', () => {
  it('sends the account mail at once, "need help?" on day 2 unless she has ordered, and the feedback ask on day 5', async () => {
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
      // Ben's first order takes him past the buying nudge.
      { at: '+2h', events: [ev.paidOrder('ben', 'SO-1', 79)], expect: [] },
      { at: '+1d2m', expect: ['+1d welcome-need-help email ann'] },
      {
        at: '+4d2m',
        expect: [
          // Ann had her one marketing message of the week on day 2: the ask would be late, so it is not sent.
          '+4d welcome-feedback email ann (withheld: activity-cap-past-expiry)',
          '+4d welcome-feedback email ben',
        ],
      },
    ]);
  });
});

describe('cart abandonment', () => {
  it('reminds an hour after the cart was last changed, on days 2, 3 and 5 as the caps allow, with a discount on day 7, and stops at an order', async () => {
    const t = await stepTable({
      enable: ['cart-abandonment'],
      customers: { ann: {}, ben: {} },
      startAt: '10:00',
    });
    await t.run([
      { at: '+0m', events: [ev.cart('ann', ['longjing-250']), ev.cart('ben', ['longjing-250'])], expect: [] },
      // A change to Ann's cart starts her hour again.
      { at: '+30m', events: [ev.cart('ann', ['longjing-250', 'tieguanyin-100'])], expect: [] },
      { at: '+1h2m', expect: ['+1h cart-reminder email ben'] },
      { at: '+1h32m', expect: ['+1h30m cart-reminder email ann'] },
      // Ben orders: his reminders stop.
      { at: '+5h', events: [ev.paidOrder('ben', 'SO-1', 79)], expect: [] },
      {
        at: '+7d2h',
        expect: [
          // One marketing message a week: the reminders of days 2, 3 and 5 would come after they expire.
          '+1d1h30m cart-reminder email ann (withheld: activity-cap-past-expiry)',
          '+2d1h30m cart-reminder email ann (withheld: activity-cap-past-expiry)',
          '+4d1h30m cart-continue email ann (withheld: activity-cap-past-expiry)',
          // The discount of day 7 (due at +6d1h30m) waits for her next slot, a week after the first.
          '+7d1h30m cart-discount email ann [coupon]',
        ],
      },
    ]);
  });
});

describe('browse abandonment', () => {
  it('sends the reviews of a product viewed three times and not again for a week, a coupon a week later without an open or visit, and takes a click to the interested path', async () => {
    const t = await stepTable({
      enable: ['browse-abandonment'],
      customers: { ann: {}, ben: {}, cai: {}, dan: {} },
      startAt: '10:00',
    });
    const views = (sku: string) => [ev.viewed('ann', sku), ev.viewed('ben', sku), ev.viewed('cai', sku)];
    await t.run([
      { at: '+0m', events: [...views('longjing-250'), ev.viewed('dan', 'longjing-250')], expect: [] },
      { at: '+10m', events: [...views('longjing-250'), ev.viewed('dan', 'longjing-250')], expect: [] },
      // Dan looked twice only: no reviews for him.
      { at: '+20m', events: views('longjing-250'), expect: [] },
      { at: '+7d19m', expect: [] },
      {
        at: '+7d23m',
        expect: [
          '+7d20m browse-reviews email ann longjing-250',
          '+7d20m browse-reviews email ben longjing-250',
          '+7d20m browse-reviews email cai longjing-250',
        ],
      },
      // Ben clicks through; Cai opens the mail.
      {
        at: '+8d',
        events: (table) => [
          ev.message('message_clicked', 'ben', table.sendIdOf('ben', 'browse-reviews')),
          ev.message('message_opened', 'cai', table.sendIdOf('cai', 'browse-reviews')),
        ],
        // The interested path. Ben, back and looking three times this month, is active: two a week.
        expect: ['+8d browse-interested email ben longjing-250'],
      },
      // Neither opened nor back within the week: Ann's coupon. Cai responded: nothing more.
      { at: '+14d23m', expect: ['+14d20m browse-coupon email ann longjing-250 [coupon]'] },
    ]);
    // The click marked Ben interested and active.
    const ben = await call(t.shop, 'GET', `/v1/customers/${t.id('ben')}`);
    expect(ben.body.traits).toMatchObject({ interestedActive: true });
  });
});
