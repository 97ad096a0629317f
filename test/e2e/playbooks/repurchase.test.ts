import { describe, it } from 'vitest';
import { ev, stepTable } from '../../support/journey-steps.js';

/**
 * The repurchase reminder on the local stack: three days before the predicted next order, at
 * 10:00 on the customer's clock. The prediction comes from the nightly refresh (02:00 shop time);
 * with one repeat buyer the shop's model is the median interval between orders (here 10 days).
 */

describe('repurchase reminder', () => {
  // The refresh that finds her next order a week off places her in repurchase-due: that starts it.
  it('reminds a customer three days before her predicted next order', async () => {
    const t = await stepTable({ enable: ['repurchase-reminder'], customers: { ann: {} }, startAt: '12:00' });
    await t.run([
      { at: '+0m', events: [ev.placed('ann', 'SO-1', 79), ev.paid('ann', 'SO-1')], expect: [] },
      // Her second order, ten days on: the night's refresh predicts the next ten days after it.
      { at: '+10d', events: [ev.placed('ann', 'SO-2', 79), ev.paid('ann', 'SO-2')], expect: [] },
      // Predicted for day 20 (+20d); three days before at 10:00 is +16d22h.
      { at: '+17d', expect: ['+16d22h repurchase-reminder email ann'] },
    ]);
  });
});
