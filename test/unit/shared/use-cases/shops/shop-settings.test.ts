import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../../../shared/domain/errors.js';
import { defaultContactPolicy } from '../../../../../shared/domain/journeys/contact-policy.js';
import { defaultCouponRules } from '../../../../../shared/domain/journeys/coupons.js';
import { contactPolicyOf, type ShopSettings } from '../../../../../shared/domain/shops/shop.js';
import {
  createJourney,
  setJourneyEnabled,
} from '../../../../../shared/use-cases/journeys/journey-definitions.js';
import {
  contactPolicySettingsOf,
  couponRulesView,
  putContactPolicy,
  putCouponRules,
  putTiers,
  tiersView,
} from '../../../../../shared/use-cases/shops/shop-settings.js';
import { FakeJourneyStore } from '../../../../support/fakes/journeys.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';
import { teaShop } from '../../../../support/shop-events.js';

const now = new Date('2026-11-02T08:00:00Z');

async function world(overrides: Partial<ShopSettings> = {}) {
  const shops = new FakeShopStore();
  const journeys = new FakeJourneyStore();
  const shop = teaShop({ timeZone: 'Europe/London', ...overrides });
  await shops.putShop(shop);
  return { shops, journeys, shop, deps: { shops, journeys } };
}

const issuesOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((i) => i.path).sort();
};

describe('the shop’s contact policy', () => {
  it('is the careful default until the shop sets its own, on the shop’s clock', async () => {
    const { shop } = await world();
    const { timeZone: _zone, ...defaults } = defaultContactPolicy('Europe/London');
    expect(contactPolicySettingsOf(shop)).toEqual(defaults);
    expect(defaults).toMatchObject({
      quietHours: { from: '21:00', to: '09:00' },
      caps: {
        dormant: { messages: 1, days: 30 },
        warm: { messages: 1, days: 7 },
        active: { messages: 2, days: 7 },
      },
      marketingPerDay: 1,
    });
    expect(contactPolicyOf(shop).timeZone).toBe('Europe/London');
  });

  it('takes what the shop writes down, the defaults for what it leaves out, and keeps its other settings', async () => {
    const { deps, shops, shop } = await world({ couponRules: [defaultCouponRules[0] as never] });
    const answer = await putContactPolicy(deps, shop, {
      quietHours: { from: '22:30', to: '08:00' },
      caps: { warm: { messages: 2, days: 7 } },
    });
    expect(answer).toMatchObject({
      quietHours: { from: '22:30', to: '08:00' },
      caps: {
        dormant: { messages: 1, days: 30 },
        warm: { messages: 2, days: 7 },
        active: { messages: 2, days: 7 },
      },
      marketingPerDay: 1,
      mergeWindowMinutes: 60,
      marketingConsent: 'opt-in',
    });
    const stored = (await shops.getShop('tea')) as ShopSettings;
    expect(contactPolicySettingsOf(stored)).toEqual(answer);
    expect(stored.couponRules).toEqual([defaultCouponRules[0]]);
    expect(stored.timeZone).toBe('Europe/London');
    // {} restores the defaults; null turns quiet hours off.
    expect((await putContactPolicy(deps, stored, { quietHours: null })).quietHours).toBeNull();
    const { timeZone: _zone, ...defaults } = defaultContactPolicy('UTC');
    expect(await putContactPolicy(deps, stored, {})).toEqual(defaults);
  });

  it('refuses a bad policy by path and writes nothing', async () => {
    const { deps, shops, shop } = await world();
    const paths = await issuesOf(
      putContactPolicy(deps, shop, {
        quietHours: { from: '9pm', to: '09:00' },
        caps: { warm: { messages: 0, days: 45 }, lapsed: { messages: 1, days: 7 } },
        marketingPerDay: 1.5,
        timeZone: 'UTC',
      }),
    );
    expect(paths).toEqual([
      '(root)',
      'caps',
      'caps.warm.days',
      'caps.warm.messages',
      'marketingPerDay',
      'quietHours.from',
    ]);
    expect(
      await issuesOf(putContactPolicy(deps, shop, { quietHours: { from: '21:00', to: '21:00' } })),
    ).toEqual(['quietHours.to']);
    expect((await shops.getShop('tea'))?.contactPolicy).toBeUndefined();
  });

  it('is not found for a shop that is gone', async () => {
    const { journeys } = await world();
    const error = await putContactPolicy({ shops: new FakeShopStore(), journeys }, teaShop(), {}).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('the shop’s coupon rules', () => {
  const tenOff = {
    id: 'from-200-10-off',
    offer: { type: 'amountOff', minOrder: 200, off: 10 },
    validDays: 7,
    prefix: 'TEA',
  };

  it('are the playbooks’ rules until the shop sets its own', async () => {
    const { shop } = await world();
    expect(couponRulesView(shop)).toEqual({ rules: defaultCouponRules });
  });

  it('are replaced as a whole', async () => {
    const { deps, shops, shop } = await world();
    const rules = [...defaultCouponRules, tenOff];
    expect(await putCouponRules(deps, shop, { rules })).toEqual({ rules });
    expect((await shops.getShop('tea'))?.couponRules).toEqual(rules);
  });

  it('refuses duplicate ids and bad offers by path', async () => {
    const { deps, shop } = await world();
    const paths = await issuesOf(
      putCouponRules(deps, shop, {
        rules: [
          tenOff,
          { ...tenOff, offer: { type: 'amountOff', minOrder: 5, off: 10 } },
          { ...tenOff, id: 'X' },
        ],
      }),
    );
    expect(paths).toEqual(['rules.1.id', 'rules.1.offer.off', 'rules.2.id']);
  });

  it('keep every rule an enabled journey names, and let go of those only disabled ones name', async () => {
    const { deps, journeys, shop } = await world();
    const withoutThreeOff = defaultCouponRules.filter((r) => r.id !== 'from-100-3-off');
    // No enabled playbook names a coupon out of the box.
    await putCouponRules(deps, shop, { rules: withoutThreeOff });
    await setJourneyEnabled({ journeys, clock: () => now }, shop, 'birthday', true);
    const error = await putCouponRules(deps, shop, { rules: [tenOff] }).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain('birthday (from-150-5-off)');
  });

  it('must be there for a journey to be saved or turned on', async () => {
    const { deps, journeys, shops, shop } = await world();
    await putCouponRules(deps, shop, { rules: [tenOff] });
    const stored = (await shops.getShop('tea')) as ShopSettings;
    const crud = { journeys, clock: () => now };
    expect(await issuesOf(setJourneyEnabled(crud, stored, 'cart-abandonment', true))).toEqual([
      'steps.9.coupon',
    ]);
    const custom = {
      id: 'thanks',
      name: 'Thanks',
      trigger: { type: 'event', event: 'order_paid' },
      steps: [
        { id: 'code', type: 'coupon', rule: 'from-100-3-off' },
        {
          id: 'mail',
          type: 'send',
          channel: 'email',
          template: 'thanks',
          purpose: 'marketing',
          coupon: 'from-200-10-off',
        },
      ],
    };
    expect(await issuesOf(createJourney(crud, stored, custom))).toEqual(['steps.0.rule']);
    await createJourney(crud, stored, { ...custom, steps: custom.steps.slice(1) });
  });
});

describe('the shop’s tiers', () => {
  const ladder = [
    { name: 'leaf', minSpend: 0, priceFactor: 1 },
    { name: 'bud', minSpend: 50, priceFactor: 0.95, benefits: ['A sample with every order'] },
  ];

  it('are the ladder the shop was created with until it sets its own', async () => {
    const { shop } = await world();
    expect(tiersView(shop)).toEqual({ tiers: shop.tiers });
  });

  it('are replaced as a whole, and the shop’s other settings stay', async () => {
    const { deps, shops, shop } = await world({ couponRules: [defaultCouponRules[0] as never] });
    expect(await putTiers(deps, shop, { tiers: ladder })).toEqual({ tiers: ladder });
    expect((await shops.getShop('tea'))?.tiers).toEqual(ladder);
    expect((await shops.getShop('tea'))?.couponRules).toEqual([defaultCouponRules[0]]);
  });

  it('refuses a name given twice, a negative threshold and an empty ladder by path, and writes nothing', async () => {
    const { deps, shops, shop } = await world();
    expect(
      await issuesOf(putTiers(deps, shop, { tiers: [ladder[0], { ...ladder[1], name: 'leaf' }] })),
    ).toEqual(['tiers.1.name']);
    expect(
      await issuesOf(putTiers(deps, shop, { tiers: [{ ...ladder[0], minSpend: -5, priceFactor: 1.2 }] })),
    ).toEqual(['tiers.0.minSpend', 'tiers.0.priceFactor']);
    expect(await issuesOf(putTiers(deps, shop, { tiers: [] }))).toEqual(['tiers']);
    expect((await shops.getShop('tea'))?.tiers).toEqual(shop.tiers);
  });
});
