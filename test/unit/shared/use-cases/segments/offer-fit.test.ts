import { describe, expect, it } from 'vitest';
import { offerFitQuerySchema } from '../../../../../functions/api/routes/audiences.js';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { parseBody } from '../../../../../shared/http/responses.js';
import { putCustomer } from '../../../../../shared/use-cases/customers/put-customer.js';
import { findOfferFit } from '../../../../../shared/use-cases/segments/offer-fit.js';
import { customersWorld } from '../../../../support/customers.js';
import { FakeAudienceStore } from '../../../../support/fakes/audiences.js';
import { paidOrder } from '../../../../support/shop-events.js';

const emailYes = { email: { marketing: true } };

/** Customers by average order value (currency units) and what they let the shop send. */
async function shop() {
  const world = customersWorld();
  const people: Array<[string, number[], Record<string, unknown>]> = [
    ['amy', [50, 70], { email: 'amy@example.com', consent: emailYes }], // 60
    ['ben', [79.99], { email: 'ben@example.com', consent: emailYes }],
    ['cat', [48], { email: 'cat@example.com', consent: emailYes }],
    ['dan', [47.99], { email: 'dan@example.com', consent: emailYes }], // read (band 47), just under 48
    ['eve', [80], { email: 'eve@example.com', consent: emailYes }], // read (band 50), at the threshold
    ['fay', [60], { email: 'fay@example.com', consent: { email: { marketing: false } } }],
    ['gus', [60], { consent: emailYes }], // no email to send to
    ['jo', [60], { phone: '13912345678', consent: { sms: { marketing: true } } }],
    ['kim', [95, 105], { email: 'kim@example.com', consent: emailYes }], // 100
    ['lea', [140], { email: 'lea@example.com', consent: emailYes }],
    ['max', [200], { email: 'max@example.com', consent: emailYes }],
    ['ned', [], { email: 'ned@example.com', consent: emailYes }], // never paid
  ];
  for (const [id, totals, traits] of people) {
    await putCustomer({ profiles: world.profiles, clock: world.clock.now }, world.settings, id, traits);
    await world.apply(
      totals.flatMap((t, i) => paidOrder({ customerId: id }, `${id}-${i}`, t, '2026-10-01T10:00:00Z')),
    );
  }
  return { world, store: new FakeAudienceStore(world.table) };
}

const query = (q: Record<string, string>) => parseBody(offerFitQuerySchema, q);

describe('findOfferFit', () => {
  it('returns the customers just under free shipping whom the shop may email, nearest first', async () => {
    const { world, store } = await shop();
    const page = await findOfferFit(store, world.settings, query({ freeShippingThreshold: '80' }));
    expect(page).toMatchObject({
      offer: { freeShippingThreshold: 80, lowerShare: 0.6, channel: 'email' },
      count: 3,
      customers: [
        { customerId: 'ben', averageOrderValue: 79.99, threshold: 80, gap: 0.01 },
        { customerId: 'amy', averageOrderValue: 60, threshold: 80, gap: 20 },
        { customerId: 'cat', averageOrderValue: 48, threshold: 80, gap: 32 },
      ],
    });
    expect(page.cursor).toBeUndefined();
    expect(page.customers[0]).not.toHaveProperty('reward');
  });

  it('checks consent and contact on the channel asked for', async () => {
    const { world, store } = await shop();
    const page = await findOfferFit(
      store,
      world.settings,
      query({ freeShippingThreshold: '80', channel: 'sms' }),
    );
    expect(page.customers.map((c) => c.customerId)).toEqual(['jo']);
  });

  it('places customers in "spend X, get Y" tiers, none above the top one', async () => {
    const { world, store } = await shop();
    const page = await findOfferFit(store, world.settings, query({ tiers: '150:5,100:3' }));
    expect(page.offer).toMatchObject({
      tiers: [
        { threshold: 100, reward: 3 },
        { threshold: 150, reward: 5 },
      ],
    });
    expect(page.customers).toEqual([
      { customerId: 'lea', averageOrderValue: 140, threshold: 150, reward: 5, gap: 10 },
      { customerId: 'eve', averageOrderValue: 80, threshold: 100, reward: 3, gap: 20 },
      { customerId: 'ben', averageOrderValue: 79.99, threshold: 100, reward: 3, gap: 20.01 },
      { customerId: 'amy', averageOrderValue: 60, threshold: 100, reward: 3, gap: 40 },
      { customerId: 'kim', averageOrderValue: 100, threshold: 150, reward: 5, gap: 50 },
    ]);
  });

  it('pages through the whole audience, each customer once', async () => {
    const { world, store } = await shop();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await findOfferFit(store, world.settings, {
        ...query({ freeShippingThreshold: '80', lowerShare: '0.5', limit: '2' }),
        cursor,
      });
      expect(page.count).toBeLessThanOrEqual(2);
      seen.push(...page.customers.map((c) => c.customerId));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen.sort()).toEqual(['amy', 'ben', 'cat', 'dan']);
    expect(pages).toBeGreaterThan(2);
  });
});

describe('the offer-fit query', () => {
  const issues = (q: Record<string, string>) => {
    try {
      query(q);
    } catch (e) {
      if (e instanceof ValidationError) return e.issues.map((i) => i.path);
      throw e;
    }
    return [];
  };

  it('takes exactly one of freeShippingThreshold and tiers', () => {
    expect(issues({})).toEqual(['freeShippingThreshold']);
    expect(issues({ freeShippingThreshold: '80', tiers: '100:3' })).toEqual(['freeShippingThreshold']);
  });

  it('says which field is wrong', () => {
    expect(issues({ tiers: '100-3' })).toEqual(['tiers']);
    expect(issues({ tiers: '100:3,100:5' })).toEqual(['tiers']);
    expect(issues({ freeShippingThreshold: '80.001' })).toEqual(['freeShippingThreshold']);
    expect(
      issues({ freeShippingThreshold: '80', lowerShare: '1', channel: 'fax', limit: '0' }).sort(),
    ).toEqual(['channel', 'limit', 'lowerShare']);
  });

  it('has defaults', () => {
    expect(query({ freeShippingThreshold: '79.5' })).toEqual({
      freeShippingThreshold: 79.5,
      lowerShare: 0.6,
      channel: 'email',
      limit: 500,
    });
  });
});
