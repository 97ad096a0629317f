import { describe, expect, it } from 'vitest';
import { dryRunStores } from '../../../../../shared/adapters/memory/dry-run-stores.js';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { parseBody } from '../../../../../shared/http/responses.js';
import {
  journeySimulationSchema,
  simulateJourney,
} from '../../../../../shared/use-cases/journeys/simulate-journey.js';
import { FakeJourneyStore } from '../../../../support/fakes/journeys.js';
import { ev, reachable } from '../../../../support/journeys-world.js';
import { teaShop } from '../../../../support/shop-events.js';

/** Journeys played on a simulated clock over stores in memory (the tea shop: Asia/Shanghai, UTC+8). */

const from = '2026-11-02T08:00:00.000Z';
const shop = teaShop();

function simulate(body: Record<string, unknown>, journeys = new FakeJourneyStore()) {
  return simulateJourney(
    { journeys, world: dryRunStores, clock: () => new Date('2030-01-01T00:00:00Z') },
    shop,
    parseBody(journeySimulationSchema, { from, ...body }),
  );
}

const person = (customerId: string) => ({
  customerId,
  traits: { email: `${customerId}@example.com`, consent: { email: { marketing: true } } },
});

const line = (m: { at: string; customerId: string; templateId: string; outcome: string; reason?: string }) =>
  `${m.at.slice(0, 16)} ${m.customerId} ${m.templateId}${m.outcome === 'withheld' ? ` (withheld: ${m.reason})` : ''}`;

describe('a journey’s dry run', () => {
  const browsing = reachable('cart-abandonment', 'browsing');
  const buying = reachable('cart-abandonment', 'buying');
  const cartAbandonment = {
    journey: 'cart-abandonment',
    days: 10,
    customers: [person(browsing), person(buying)],
    events: [
      ev.cart('k1', browsing),
      ev.cart('k2', buying),
      { ...ev.placed('o1', 'SO-1', { customerId: buying }), occurredAt: '2026-11-02T12:00:00.000Z' },
    ],
  };

  it('plays a saved journey through the contact policy: who gets what and when, what is withheld and why', async () => {
    const sim = await simulate(cartAbandonment);
    expect(sim).toMatchObject({
      from,
      to: '2026-11-12T08:00:00.000Z',
      journeyId: 'cart-abandonment',
      version: 1,
    });
    expect(sim.messages.map(line)).toEqual([
      `2026-11-02T09:00 ${browsing} cart-reminder`,
      `2026-11-02T09:00 ${buying} cart-reminder`,
      // Warm: one marketing message a week; the day 2, 3 and 5 reminders expire before the slot.
      `2026-11-03T09:00 ${browsing} cart-reminder (withheld: activity-cap-past-expiry)`,
      `2026-11-04T09:00 ${browsing} cart-reminder (withheld: activity-cap-past-expiry)`,
      `2026-11-06T09:00 ${browsing} cart-continue (withheld: activity-cap-past-expiry)`,
      `2026-11-09T09:00 ${browsing} cart-discount`,
    ]);
    const discount = sim.messages.at(-1);
    expect(discount).toMatchObject({
      step: 'discount',
      dueAt: '2026-11-08T09:00:00.000Z',
      held: [{ reason: 'activity-cap', until: '2026-11-09T09:00:00.000Z' }],
      data: { coupon: { ruleId: 'from-100-3-off', code: expect.stringMatching(/^[A-Z2-9]{10}$/) } },
    });
    expect(sim.counts).toEqual({ send: 3, 'withheld:activity-cap-past-expiry': 3 });
    expect(sim.pending).toEqual([]);
    expect(sim.instances).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ customerId: buying, status: 'ended', exitReason: 'event:order_placed' }),
        expect.objectContaining({ customerId: browsing, status: 'ended' }),
      ]),
    );
  });

  it('answers the same fixtures the same way every time (a shop’s CI can assert on it)', async () => {
    expect(await simulate(cartAbandonment)).toEqual(await simulate(cartAbandonment));
  });

  it('plays a draft, holding marketing through quiet hours and naming what is still owed at the end', async () => {
    const welcome = reachable('welcome-series', 'night-owl');
    const draft = {
      id: 'late-welcome',
      name: 'Welcome at once',
      trigger: { type: 'event', event: 'signed_up' },
      steps: [{ id: 'hello', type: 'send', channel: 'email', template: 'welcome', purpose: 'marketing' }],
    };
    // Signed up at 22:00 shop time.
    const signedUpLate = (extra: Record<string, unknown> = {}) =>
      simulate({
        journey: draft,
        days: 1,
        customers: [person(welcome)],
        events: [
          {
            id: 's1',
            type: 'signed_up',
            customerId: welcome,
            occurredAt: '2026-11-02T14:00:00.000Z',
            properties: {},
          },
        ],
        ...extra,
      });
    const sim = await signedUpLate();
    expect(sim.messages).toEqual([
      expect.objectContaining({
        customerId: welcome,
        at: '2026-11-03T01:00:00.000Z',
        outcome: 'send',
        dueAt: '2026-11-02T14:00:00.000Z',
        held: [{ reason: 'quiet-hours', until: '2026-11-03T01:00:00.000Z' }],
      }),
    ]);
    // A window that ends before 09:00 the next morning.
    const short = await signedUpLate({ from: '2026-11-02T00:00:00.000Z' });
    expect(short.messages).toEqual([]);
    expect(short.pending).toEqual([
      {
        customerId: welcome,
        step: 'hello',
        templateId: 'welcome',
        dueAt: '2026-11-02T14:00:00.000Z',
        until: '2026-11-03T01:00:00.000Z',
        reason: 'quiet-hours',
      },
    ]);
  });

  it('refuses what it cannot play, by path', async () => {
    const paths = async (body: Record<string, unknown>) => {
      const error = await simulate(body).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((i) => i.path);
    };
    expect(await paths({ journey: 'no-such-journey' })).toEqual(['journey']);
    expect(
      await paths({
        journey: { id: 'x', name: 'x', trigger: { type: 'event', event: 'signed_up' }, steps: [] },
      }),
    ).toEqual(['journey.steps']);
    // Signed up three days on: past a one-day window.
    const lateSignUp = {
      id: 'e1',
      type: 'signed_up',
      customerId: 'c1',
      occurredAt: '2026-11-05T00:00:00Z',
      properties: {},
    };
    const badEmail = [{ customerId: 'c1', traits: { email: 'not an address' } }];
    expect(
      await paths({ journey: 'cart-abandonment', days: 1, customers: badEmail, events: [lateSignUp] }),
    ).toEqual(['customers.0.traits.email']);
    expect(await paths({ journey: 'cart-abandonment', days: 1, events: [lateSignUp] })).toEqual([
      'events.0.occurredAt',
    ]);
  });
});
