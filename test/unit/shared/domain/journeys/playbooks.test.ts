import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../../../shared/domain/journeys/definition.js';
import { playbook, playbookIds, playbooks } from '../../../../../shared/domain/journeys/playbooks.js';
import { localOf } from '../../../../../shared/domain/journeys/time.js';
import { nextDateTrigger } from '../../../../../shared/domain/journeys/triggers.js';
import { customer, event, Simulation } from './harness.js';

const cart = (sku = 'A') => event('cart_updated', { items: [{ sku, price: 120, quantity: 1 }] });
const order = (orderId: string, extra: Record<string, unknown> = {}) =>
  event('order_placed', {
    orderId,
    total: 120,
    currency: 'CNY',
    items: [{ sku: 'A', price: 120, quantity: 1 }],
    ...extra,
  });

describe('the playbook library', () => {
  it('holds the eleven playbooks, each a valid definition', () => {
    expect(playbookIds).toHaveLength(12); // birthday and holiday care are two journeys of one playbook
    for (const id of playbookIds) expect(() => parseDefinition(playbooks[id]), id).not.toThrow();
  });
});

describe('cart abandonment', () => {
  it('waits for an hour of quiet, reminds on days 2 and 3, and leaves on the order', () => {
    const sim = new Simulation(playbook('cart-abandonment'));
    sim.run([
      { at: '2026-05-04T02:00:00.000Z', event: cart(), sends: [] },
      // A change to the cart starts the hour again.
      { at: '2026-05-04T02:20:00.000Z', event: cart('B'), sends: [] },
      { at: '2026-05-04T03:19:00.000Z', sends: [] },
      { at: '2026-05-04T03:20:00.000Z', sends: ['2026-05-04T03:20 cart-reminder'] },
      { at: '2026-05-05T03:20:00.000Z', sends: ['2026-05-05T03:20 cart-reminder'] },
      { at: '2026-05-06T03:20:00.000Z', sends: ['2026-05-06T03:20 cart-reminder'] },
      { at: '2026-05-07T00:00:00.000Z', event: order('o1'), sends: [] },
      { at: '2026-05-20T00:00:00.000Z', sends: [] },
    ]);
    expect(sim.exits).toEqual(['-: event:order_placed']);
  });

  it('runs to the day-7 discount when no order comes, then a new cart starts again', () => {
    const sim = new Simulation(playbook('cart-abandonment'));
    sim.run([
      { at: '2026-05-04T02:00:00.000Z', event: cart(), sends: [] },
      {
        at: '2026-05-10T03:00:00.000Z',
        sends: [
          '2026-05-04T03:00 cart-reminder',
          '2026-05-05T03:00 cart-reminder',
          '2026-05-06T03:00 cart-reminder',
          '2026-05-08T03:00 cart-continue',
          '2026-05-10T03:00 cart-discount [from-100-3-off]',
        ],
      },
      { at: '2026-05-12T02:00:00.000Z', event: cart(), sends: [] },
      { at: '2026-05-12T03:00:00.000Z', sends: ['2026-05-12T03:00 cart-reminder'] },
    ]);
    expect(sim.exits).toEqual(['-: completed']);
  });

  it('leaves when the cart is emptied', () => {
    const sim = new Simulation(playbook('cart-abandonment'));
    sim.run([
      { at: '2026-05-04T02:00:00.000Z', event: cart(), sends: [] },
      { at: '2026-05-04T02:30:00.000Z', event: event('cart_updated', { items: [] }), sends: [] },
      { at: '2026-05-10T00:00:00.000Z', sends: [] },
    ]);
    expect(sim.exits).toEqual(['-: event:cart_updated']);
  });
});

describe('unpaid order reminder', () => {
  it('runs one instance per order and leaves on the payment of that order only', () => {
    const sim = new Simulation(playbook('unpaid-order-reminder'));
    sim.run([
      { at: '2026-05-04T02:00:00.000Z', event: order('A'), sends: [] },
      { at: '2026-05-04T02:10:00.000Z', event: order('B'), sends: [] },
      { at: '2026-05-04T02:30:00.000Z', sends: ['2026-05-04T02:30 unpaid-reminder A'] },
      { at: '2026-05-04T02:40:00.000Z', sends: ['2026-05-04T02:40 unpaid-reminder B'] },
      { at: '2026-05-04T02:50:00.000Z', event: event('order_paid', { orderId: 'A' }), sends: [] },
      // 72 hours after B, less two: the last call before the auto-close.
      { at: '2026-05-07T00:09:00.000Z', sends: [] },
      { at: '2026-05-07T00:10:00.000Z', sends: ['2026-05-07T00:10 unpaid-last-call B'] },
    ]);
    expect(sim.exits).toEqual(['A: event:order_paid', 'B: completed']);
  });

  it('sends nothing for an order reported already paid, or paid within 30 minutes', () => {
    const sim = new Simulation(playbook('unpaid-order-reminder'));
    sim.run([
      { at: '2026-05-04T02:00:00.000Z', event: order('A', { paidAt: '2026-05-04T02:00:00Z' }), sends: [] },
      { at: '2026-05-04T02:00:00.000Z', event: order('B'), sends: [] },
      { at: '2026-05-04T02:29:00.000Z', event: event('order_paid', { orderId: 'B' }), sends: [] },
      { at: '2026-05-08T00:00:00.000Z', sends: [] },
    ]);
    expect(sim.instances.map((i) => i.key)).toEqual(['B']);
  });
});

describe('welcome series', () => {
  it('sends account details at once, need-help on day 2 and a feedback ask on day 5', () => {
    const sim = new Simulation(playbook('welcome-series'));
    sim.run([
      {
        at: '2026-05-04T02:00:00.000Z',
        event: event('signed_up'),
        sends: ['2026-05-04T02:00 welcome-account'],
      },
      { at: '2026-05-05T02:00:00.000Z', sends: ['2026-05-05T02:00 welcome-need-help'] },
      { at: '2026-05-08T01:59:00.000Z', sends: [] },
      { at: '2026-05-08T02:00:00.000Z', sends: ['2026-05-08T02:00 welcome-feedback'] },
      // Signing up again does not start the series again.
      { at: '2026-06-01T02:00:00.000Z', event: event('signed_up'), sends: [] },
    ]);
  });

  it('skips the buying nudge once the customer has ordered, and still asks for feedback', () => {
    const sim = new Simulation(playbook('welcome-series'));
    sim.run([
      {
        at: '2026-05-04T02:00:00.000Z',
        event: event('signed_up'),
        sends: ['2026-05-04T02:00 welcome-account'],
      },
      { at: '2026-05-04T12:00:00.000Z', event: order('o1'), sends: [] },
      { at: '2026-05-05T02:00:00.000Z', sends: [] },
      { at: '2026-05-08T02:00:00.000Z', sends: ['2026-05-08T02:00 welcome-feedback'] },
    ]);
  });
});

describe('birthday', () => {
  const def = playbook('birthday');
  if (def.trigger.type !== 'date') throw new Error('birthday is a date trigger');
  const trigger = def.trigger;

  it('greets at 09:00 on the day on the customer clock, whatever the shop clock says', () => {
    const who = customer({
      timeZone: 'America/Los_Angeles',
      traits: { email: 'a@example.com', birthday: '1990-03-15' },
    });
    const due = nextDateTrigger(trigger, { ...who, firstOrderAt: null }, new Date('2026-03-01T00:00:00Z'));
    // 09:00 PDT (the clocks went forward on 8 March) is 16:00 UTC, already 16 March in Shanghai.
    expect(due?.at.toISOString()).toBe('2026-03-15T16:00:00.000Z');
    expect(localOf(due?.at as Date, 'America/Los_Angeles')).toMatchObject({ month: 3, day: 15, hour: 9 });
    const sim = new Simulation(def, who);
    const at = due?.at.toISOString() as string;
    sim.run([{ at, event: due?.event, sends: ['2026-03-15T16:00 birthday 2026-03-15 [from-150-5-off]'] }]);
    // Next year is another instance (keyed by the day).
    const next = nextDateTrigger(trigger, { ...who, firstOrderAt: null }, new Date('2026-03-16T00:00:00Z'));
    expect(next?.at.toISOString()).toBe('2027-03-15T16:00:00.000Z');
    sim.run([
      {
        at: next?.at.toISOString() as string,
        event: next?.event,
        sends: ['2027-03-15T16:00 birthday 2027-03-15 [from-150-5-off]'],
      },
    ]);
  });

  it("uses the shop's clock when the customer's zone is unknown, and 28 February for leap-day birthdays", () => {
    const who = { ...customer({ traits: { birthday: '--02-29' } }), firstOrderAt: null };
    expect(nextDateTrigger(trigger, who, new Date('2027-01-01T00:00:00Z'))?.at.toISOString()).toBe(
      '2027-02-28T01:00:00.000Z',
    );
    expect(nextDateTrigger(trigger, who, new Date('2028-01-01T00:00:00Z'))?.at.toISOString()).toBe(
      '2028-02-29T01:00:00.000Z',
    );
    expect(nextDateTrigger(trigger, { ...who, traits: {} }, new Date('2027-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('dormant win-back', () => {
  it('escalates the offer and stops when the model says the customer is gone', () => {
    const sim = new Simulation(playbook('dormant-win-back'), customer({ pAlive: 0.4 }));
    const entered = event('segment_entered', { segment: 'lifecycle:dormant' });
    sim.run([
      { at: '2026-05-04T02:00:00.000Z', event: entered, sends: ['2026-05-04T02:00 winback-miss-you'] },
      { at: '2026-05-11T02:00:00.000Z', sends: ['2026-05-11T02:00 winback-offer [free-shipping-80]'] },
      { at: '2026-05-20T00:00:00.000Z', customer: { pAlive: 0.05 }, sends: [] },
      { at: '2026-06-30T00:00:00.000Z', sends: [] },
    ]);
    expect(sim.exits).toEqual(['-: exit-condition']);
  });
});

describe('after a big sale', () => {
  it('thanks a new big spender, then comes back monthly up to five times', () => {
    const sim = new Simulation(playbook('after-big-sale'));
    const big = order('s1', { total: 300 });
    sim.run([
      { at: '2026-11-11T02:00:00.000Z', event: order('small'), sends: [] },
      {
        at: '2026-11-11T03:00:00.000Z',
        event: big,
        sends: ['2026-11-11T03:00 sale-thanks s1 [from-150-5-off]'],
      },
      {
        at: '2027-06-01T00:00:00.000Z',
        sends: [
          '2026-12-11T03:00 sale-come-back s1 [from-100-3-off]',
          '2027-01-10T03:00 sale-come-back s1 [from-100-3-off]',
          '2027-02-09T03:00 sale-come-back s1 [from-100-3-off]',
          '2027-03-11T03:00 sale-come-back s1 [from-100-3-off]',
          '2027-04-10T03:00 sale-come-back s1 [from-100-3-off]',
        ],
      },
    ]);
    expect(sim.exits).toEqual(['s1: offers-used-up']);
  });

  it('stops when the customer orders again', () => {
    const sim = new Simulation(playbook('after-big-sale'));
    sim.run([
      {
        at: '2026-11-11T03:00:00.000Z',
        event: order('s1', { total: 300 }),
        sends: ['2026-11-11T03:00 sale-thanks s1 [from-150-5-off]'],
      },
      { at: '2026-12-11T03:00:00.000Z', sends: ['2026-12-11T03:00 sale-come-back s1 [from-100-3-off]'] },
      { at: '2026-12-20T03:00:00.000Z', event: order('s2'), sends: [] },
      { at: '2027-06-01T00:00:00.000Z', sends: [] },
    ]);
    expect(sim.exits).toEqual(['s1: event:order_placed']);
  });
});
