import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dryRunStores } from '../../../../../shared/adapters/memory/dry-run-stores.js';
import { counterOf, rateBudget, rateSlot } from '../../../../../shared/domain/journeys/rate-limit.js';
import { parseBody } from '../../../../../shared/http/responses.js';
import {
  createJourney,
  setJourneyEnabled,
} from '../../../../../shared/use-cases/journeys/journey-definitions.js';
import {
  journeySimulationSchema,
  simulateJourney,
} from '../../../../../shared/use-cases/journeys/simulate-journey.js';
import { FakeJourneyStore } from '../../../../support/fakes/journeys.js';
import { journeysWorld } from '../../../../support/journeys-world.js';
import { teaShop } from '../../../../support/shop-events.js';

/** A journey's messages per second, kept by the runtime as a budget per clock minute. */

const thanks = (messagesPerSecond: number) => ({
  id: 'thanks',
  name: 'Thanks for signing up',
  trigger: { type: 'event', event: 'signed_up' },
  steps: [{ id: 'hello', type: 'send', channel: 'email', template: 'thanks', purpose: 'transactional' }],
  rateLimit: { messagesPerSecond },
});

describe('the rate budget', () => {
  it('lets 60 × the rate through a minute, in line, and no more', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10_000, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        (rate, claims) => {
          const budget = rateBudget(rate);
          const minute = new Date('2026-11-02T08:00:00.000Z');
          const slots = Array.from({ length: claims }, (_, i) => rateSlot(i + 1, budget, minute).getTime());
          // In line: a later claim never goes in an earlier minute.
          expect(slots).toEqual([...slots].sort((a, b) => a - b));
          const perMinute = new Map<number, number>();
          for (const s of slots) perMinute.set(s, (perMinute.get(s) ?? 0) + 1);
          // At most the rate's share of a minute per counter (one send a minute at the least).
          for (const n of perMinute.values())
            expect(n).toBeLessThanOrEqual(Math.max(1, (rate * 60) / budget.counters));
          expect(budget.counters * budget.perCounterPerMinute).toBeLessThanOrEqual(
            Math.max(budget.counters, rate * 60),
          );
          // No counter item takes more than 500 writes a second.
          expect(rate / budget.counters).toBeLessThanOrEqual(500);
          expect(counterOf('any-customer', budget)).toBeLessThan(budget.counters);
        },
      ),
    );
  });
});

describe('a journey with a rate limit', () => {
  it('queues three a minute at 0.05 a second: the rest wait for the next minutes, in line', async () => {
    const w = journeysWorld();
    const crud = { journeys: w.journeys, clock: w.clock.now };
    await createJourney(crud, w.settings, thanks(0.05));
    await setJourneyEnabled(crud, w.settings, 'thanks', true);
    const people = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    for (const id of people) await w.person(id);
    w.clock.set('2026-11-02T08:00:10.000Z');
    await w.post(people.map((id) => ({ id: `s-${id}`, type: 'signed_up', customerId: id })));
    await w.runUntil('2026-11-02T08:10:00.000Z');
    const minutes = w.takeLines().map((l) => l.slice(0, 16));
    expect(minutes).toEqual([
      ...Array(3).fill('2026-11-02T08:00'),
      ...Array(3).fill('2026-11-02T08:01'),
      '2026-11-02T08:02',
    ]);
    expect(new Set(w.delivered.map((r) => r.intent.customerId))).toEqual(new Set(people));
  });

  it('shows in a dry run what it held and until when', async () => {
    const people = ['a', 'b', 'c', 'd'];
    const sim = await simulateJourney(
      { journeys: new FakeJourneyStore(), world: dryRunStores, clock: () => new Date() },
      teaShop(),
      parseBody(journeySimulationSchema, {
        journey: thanks(1 / 60),
        from: '2026-11-02T08:00:00.000Z',
        days: 1,
        customers: people.map((customerId) => ({
          customerId,
          traits: { email: `${customerId}@example.com` },
        })),
        events: people.map((id) => ({ id: `s-${id}`, type: 'signed_up', customerId: id, properties: {} })),
      }),
    );
    expect(sim.messages.map((m) => [m.customerId, m.at.slice(11, 16), m.held?.map((h) => h.reason)])).toEqual(
      [
        ['a', '08:00', undefined],
        ['b', '08:01', ['rate-limit']],
        ['c', '08:02', ['rate-limit']],
        ['d', '08:03', ['rate-limit']],
      ],
    );
  });
});
