import { beforeAll, describe, expect, it } from 'vitest';
import { playbook } from '../../../shared/domain/journeys/playbooks.js';
import { isHeldOut, isInGlobalControl } from '../../../shared/domain/sending/holdout.js';
import { advance, call, newShop, type Shop, settle } from '../../support/api.js';
import { orderPaid, orderPlaced } from '../../support/events.js';
import { clockNow, moveClockTo } from '../../support/journey-steps.js';
import { queuedSendRequests } from '../../support/send-queue.js';

/**
 * The shop's own contact policy and coupon rules through the API, and a journey's dry run that
 * applies them: what a shop would run in its own CI before turning a journey on.
 */
let shop: Shop;

beforeAll(async () => {
  shop = await newShop({ timeZone: 'Asia/Shanghai' });
});

/** A customer id that none of the cart journey's steps holds out in this shop. */
function reachable(prefix: string): string {
  const steps = playbook('cart-abandonment').steps.map((s) => s.id);
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (isInGlobalControl(shop.shopId, id)) continue;
    if (steps.every((stepId) => !isHeldOut(shop.shopId, id, { journeyId: 'cart-abandonment', stepId })))
      return id;
  }
}

const threeOff = {
  id: 'from-100-3-off',
  offer: { type: 'amountOff', minOrder: 100, off: 3 },
  validDays: 5,
  prefix: 'TEA',
};

describe('the shop’s settings', () => {
  it('serves the careful defaults, takes a policy with the defaults filled in, and refuses a bad one by path', async () => {
    const before = await call(shop, 'GET', '/v1/settings/contact-policy');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      quietHours: { from: '21:00', to: '09:00' },
      caps: {
        dormant: { messages: 1, days: 30 },
        warm: { messages: 1, days: 7 },
        active: { messages: 2, days: 7 },
      },
      marketingPerDay: 1,
    });
    const put = await call(shop, 'PUT', '/v1/settings/contact-policy', {
      quietHours: { from: '23:00', to: '08:00' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...before.body, quietHours: { from: '23:00', to: '08:00' } });
    expect((await call(shop, 'GET', '/v1/settings/contact-policy')).body).toEqual(put.body);
    const bad = await call(shop, 'PUT', '/v1/settings/contact-policy', {
      caps: { warm: { messages: 0, days: 7 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'caps.warm.messages' })]);
    expect((await call(shop, 'GET', '/v1/settings/contact-policy')).body).toEqual(put.body);
  });

  it('keeps the coupon rules an enabled journey names', async () => {
    const defaults = (await call(shop, 'GET', '/v1/settings/coupon-rules')).body.rules as Array<{
      id: string;
    }>;
    expect(defaults.map((r) => r.id)).toContain('from-100-3-off');
    const others = defaults.filter((r) => r.id !== 'from-100-3-off');
    const put = await call(shop, 'PUT', '/v1/settings/coupon-rules', { rules: [...others, threeOff] });
    expect(put.status).toBe(200);
    expect(put.body.rules).toContainEqual(threeOff);
    expect((await call(shop, 'POST', '/v1/journeys/cart-abandonment/enable')).status).toBe(200);
    const refused = await call(shop, 'PUT', '/v1/settings/coupon-rules', { rules: others });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('cart-abandonment (from-100-3-off)');
    const duplicate = await call(shop, 'PUT', '/v1/settings/coupon-rules', { rules: [threeOff, threeOff] });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.issues).toEqual([expect.objectContaining({ path: 'rules.1.id' })]);
  });
});

describe('the shop’s tiers', () => {
  it('are replaced as a whole, a bad ladder is refused by path, and a customer’s next order follows the new one', async () => {
    const before = await call(shop, 'GET', '/v1/settings/tiers');
    expect(before.status).toBe(200);
    expect(before.body.tiers.length).toBeGreaterThan(0);
    const ladder = {
      tiers: [
        { name: 'leaf', minSpend: 0, priceFactor: 1 },
        { name: 'bud', minSpend: 50, priceFactor: 0.95, benefits: ['A sample with every order'] },
      ],
    };
    const put = await call(shop, 'PUT', '/v1/settings/tiers', ladder);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual(ladder);
    const bad = await call(shop, 'PUT', '/v1/settings/tiers', {
      tiers: [{ name: 'leaf', minSpend: -1, priceFactor: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'tiers.0.minSpend' })]);
    const twice = await call(shop, 'PUT', '/v1/settings/tiers', {
      tiers: [ladder.tiers[0], { ...ladder.tiers[1], name: 'leaf' }],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.issues).toEqual([expect.objectContaining({ path: 'tiers.1.name' })]);
    expect((await call(shop, 'GET', '/v1/settings/tiers')).body).toEqual(ladder);

    // The runtimes keep shop settings a minute; an order of 60 from then reaches the new "bud".
    await advance('2m');
    const at = new Date(await clockNow()).toISOString();
    const posted = await call(shop, 'POST', '/v1/events', {
      events: [
        orderPlaced({ customerId: 'tiered' }, { orderId: 'o-tier', total: 60, at }),
        orderPaid({ customerId: 'tiered' }, 'o-tier', at),
      ],
    });
    expect(posted.status, JSON.stringify(posted.body)).toBeLessThan(300);
    await settle();
    const customer = await call(shop, 'GET', '/v1/customers/tiered');
    expect(customer.body.tier).toBe('bud');
  });
});

describe('a journey’s dry run', () => {
  const items = [{ sku: 'longjing-250', category: 'green-tea', price: 79, quantity: 1 }];

  it('plays the journey with the shop’s quiet hours and coupon rules, and writes and queues nothing', async () => {
    const li = reachable('li');
    const sim = await call(shop, 'POST', '/v1/simulate', {
      journey: 'cart-abandonment',
      from: '2026-11-02T14:00:00.000Z',
      days: 10,
      customers: [
        { customerId: li, traits: { email: 'li@example.com', consent: { email: { marketing: true } } } },
      ],
      // 22:00 shop time: the reminder an hour later falls in the shop's quiet hours (23:00–08:00).
      events: [{ id: 'k1', type: 'cart_updated', customerId: li, properties: { items } }],
    });
    expect(sim.status).toBe(200);
    const sent = (sim.body.messages as Array<{ outcome: string; at: string; templateId: string }>).filter(
      (m) => m.outcome === 'send',
    );
    expect(sent.map((m) => `${m.at.slice(0, 16)} ${m.templateId}`)).toEqual([
      '2026-11-03T00:00 cart-reminder',
      '2026-11-10T00:00 cart-discount',
    ]);
    expect(sim.body.messages[0]).toMatchObject({
      dueAt: '2026-11-02T15:00:00.000Z',
      held: [{ reason: 'quiet-hours', until: '2026-11-03T00:00:00.000Z' }],
    });
    expect(sim.body.messages.at(-1).data.coupon).toMatchObject({
      ruleId: 'from-100-3-off',
      code: expect.stringMatching(/^TEA[A-Z2-9]{10}$/),
      validUntil: '2026-11-15T00:00:00.000Z',
    });
    expect(queuedSendRequests(shop.shopId)).toEqual([]);
    expect((await call(shop, 'GET', `/v1/customers/${li}`)).status).toBe(404);
  });

  it('refuses a draft it cannot play, by path', async () => {
    const bad = await call(shop, 'POST', '/v1/simulate', {
      journey: { id: 'draft', name: 'Draft', trigger: { type: 'event', event: 'signed_up' }, steps: [] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'journey.steps' })]);
  });
});

describe('a journey’s rate limit', () => {
  it('queues one a minute at 1/60 a second, the others in line in the minutes after', async () => {
    const journey = {
      id: 'thanks',
      name: 'Thanks for signing up',
      trigger: { type: 'event', event: 'signed_up' },
      steps: [{ id: 'hello', type: 'send', channel: 'email', template: 'thanks', purpose: 'transactional' }],
      rateLimit: { messagesPerSecond: 1 / 60 },
    };
    expect((await call(shop, 'POST', '/v1/journeys', journey)).status).toBe(201);
    expect((await call(shop, 'POST', '/v1/journeys/thanks/enable')).status).toBe(200);
    const people = ['r-1', 'r-2', 'r-3'];
    // A second into a fresh minute, so the sign-ups all fall in it and each `advance('1m')` crosses one boundary.
    await moveClockTo(Math.ceil((await clockNow()) / 60_000) * 60_000 + 1_000);
    for (const id of people) await call(shop, 'PUT', `/v1/customers/${id}`, { email: `${id}@example.com` });
    const at = (await call(null, 'GET', '/v1/health')).body.time as string;
    const posted = await call(shop, 'POST', '/v1/events', {
      events: people.map((id) => ({
        id: `s-${id}`,
        type: 'signed_up',
        occurredAt: at,
        customerId: id,
        properties: {},
      })),
    });
    expect(posted.status).toBe(202);
    await settle();
    const thanks = () => queuedSendRequests(shop.shopId).filter((r) => r.templateId === 'thanks');
    expect(thanks()).toHaveLength(1);
    await advance('1m');
    expect(thanks()).toHaveLength(2);
    await advance('1m');
    expect(thanks()).toHaveLength(3);
    expect(new Set(thanks().map((r) => r.intent.customerId))).toEqual(new Set(people));
    const minutes = thanks().map((r) => r.requestedAt.slice(0, 16));
    expect(new Set(minutes).size).toBe(3);
  });
});
