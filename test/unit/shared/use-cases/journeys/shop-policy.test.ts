import { describe, expect, it } from 'vitest';
import { parseContactPolicySettings } from '../../../../../shared/domain/journeys/contact-policy.js';
import { defaultCouponRules } from '../../../../../shared/domain/journeys/coupons.js';
import { ev, journeysWorld } from '../../../../support/journeys-world.js';

/** The shop's own contact policy and coupon rules, as journeys apply them (Asia/Shanghai, UTC+8). */

async function cartLeft(at: string, setUp: (w: ReturnType<typeof journeysWorld>) => void) {
  const w = journeysWorld();
  setUp(w);
  const id = await w.enableWithCustomer('cart-abandonment');
  await w.postAt(at, [ev.cart('k1', id)]);
  return w;
}

describe('a shop’s own contact policy', () => {
  it('quiet hours from 23:00 to 08:00: a cart left at 22:00 is remembered at 08:00, not 09:00', async () => {
    const w = await cartLeft('2026-11-02T14:00:00.000Z', (w) => {
      w.settings.contactPolicy = parseContactPolicySettings({ quietHours: { from: '23:00', to: '08:00' } });
    });
    await w.runUntil('2026-11-03T02:00:00.000Z');
    expect(w.takeLines()).toEqual(['2026-11-03T00:00 cart-reminder']);
  });

  it('no quiet hours and a warm customer allowed a message a day: every reminder goes when due', async () => {
    const w = await cartLeft('2026-11-02T14:00:00.000Z', (w) => {
      const daily = { messages: 7, days: 7 };
      w.settings.contactPolicy = parseContactPolicySettings({
        quietHours: null,
        caps: { warm: daily, active: daily },
      });
    });
    await w.runUntil('2026-11-12T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T15:00 cart-reminder',
      '2026-11-03T15:00 cart-reminder',
      '2026-11-04T15:00 cart-reminder',
      '2026-11-06T15:00 cart-continue',
      '2026-11-08T15:00 cart-discount [coupon]',
    ]);
  });
});

describe('a shop’s own coupon rules', () => {
  it('give the code the shop’s prefix and validity, counted from when it goes out', async () => {
    const w = await cartLeft('2026-11-02T08:00:00.000Z', (w) => {
      w.settings.couponRules = [
        {
          id: 'from-100-3-off',
          offer: { type: 'amountOff', minOrder: 100, off: 3 },
          validDays: 3,
          prefix: 'TEA',
        },
      ];
    });
    await w.runUntil('2026-11-12T00:00:00.000Z');
    // Due on the 8th; the warm cap (a week from the first reminder) holds it to the 9th.
    expect(w.takeLines().at(-1)).toBe('2026-11-09T09:00 cart-discount [coupon]');
    expect(w.delivered.at(-1)?.data?.coupon).toEqual({
      ruleId: 'from-100-3-off',
      code: expect.stringMatching(/^TEA[A-Z2-9]{10}$/),
      validUntil: '2026-11-12T09:00:00.000Z',
    });
  });

  it('withhold a message whose rule the shop has removed since, rather than send it without its code', async () => {
    const w = await cartLeft('2026-11-02T08:00:00.000Z', () => {});
    await w.runUntil('2026-11-03T00:00:00.000Z');
    w.settings.couponRules = defaultCouponRules.filter((r) => r.id !== 'from-100-3-off');
    await w.runUntil('2026-11-12T00:00:00.000Z');
    expect(w.takeLines().at(-1)).toBe('2026-11-08T09:00 cart-discount (withheld: no-coupon-rule)');
    expect(w.delivered.at(-1)?.withheld).toEqual({ reason: 'no-coupon-rule:from-100-3-off' });
  });
});
