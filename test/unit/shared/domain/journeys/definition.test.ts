import { describe, expect, it } from 'vitest';
import {
  defaultHolidayCalendar,
  holidayDate,
  lunarNewYear,
} from '../../../../../shared/domain/journeys/calendar.js';
import {
  codeAlphabet,
  couponCode,
  defaultCouponRules,
  issueCoupon,
  redeem,
} from '../../../../../shared/domain/journeys/coupons.js';
import { parseDefinition } from '../../../../../shared/domain/journeys/definition.js';
import { advance, start } from '../../../../../shared/domain/journeys/interpreter.js';
import { playbook } from '../../../../../shared/domain/journeys/playbooks.js';
import { nextHolidayTrigger } from '../../../../../shared/domain/journeys/triggers.js';
import { customer, event } from './harness.js';

const base = { id: 'j', version: 1, name: 'J', trigger: { type: 'event', event: 'signed_up' } };
const issuesOf = (input: unknown) => {
  try {
    parseDefinition(input);
    return [];
  } catch (e) {
    return (e as { issues: Array<{ path: string; message: string }> }).issues.map(
      (i) => `${i.path}: ${i.message}`,
    );
  }
};

describe('journey definitions', () => {
  it.each([
    [
      'a branch to a missing step',
      [{ id: 'b', type: 'branch', if: { type: 'segment', segment: 'vip' }, goTo: 'nowhere' }],
      'steps.0.goTo: no step nowhere',
    ],
    [
      'a duplicate step id',
      [
        { id: 'a', type: 'exit' },
        { id: 'a', type: 'exit' },
      ],
      'steps.1.id: duplicate step a',
    ],
    [
      'a loop that never waits',
      [
        { id: 'a', type: 'setTrait', trait: 'x', value: 1 },
        { id: 'b', type: 'branch', if: { type: 'segment', segment: 'vip' }, goTo: 'a', else: 'a' },
      ],
      'steps.0: step a is in a loop that never waits',
    ],
    [
      'an unknown event',
      [{ id: 'w', type: 'waitForEvent', event: 'order_teleported', timeout: { hours: 1 } }],
      'steps.0.event',
    ],
    [
      'a zero wait',
      [{ id: 'w', type: 'wait', duration: {} }],
      'steps.0.duration: a duration longer than zero',
    ],
    [
      'a key match without an instance key',
      [{ id: 'w', type: 'waitForEvent', event: 'order_paid', key: 'same', timeout: { hours: 1 } }],
      'steps.0: matching on the key needs an instanceKey',
    ],
    ['a bad time of day', [{ id: 'w', type: 'waitUntil', at: '25:00' }], 'steps.0.at: HH:MM (24 hours)'],
    [
      'a wait routing an event to a missing step',
      [
        {
          id: 'w',
          type: 'waitForEvent',
          event: 'order_delivery_updated',
          timeout: { days: 7 },
          routes: [{ where: [{ property: 'status', op: 'eq', value: 'delivered' }], goTo: 'nowhere' }],
        },
      ],
      'steps.0.routes.0.goTo: no step nowhere',
    ],
  ])('reports %s by path', (_, steps, expected) => {
    expect(issuesOf({ ...base, steps }).some((i) => i.startsWith(expected))).toBe(true);
  });

  it('reports filter values that do not fit the operator', () => {
    const def = {
      ...base,
      trigger: {
        type: 'event',
        event: 'order_placed',
        where: [{ property: 'total', op: 'gte', value: 'lots' }],
      },
      steps: [{ id: 'x', type: 'exit' }],
    };
    expect(issuesOf(def)).toEqual(['trigger.where.0.value: gte takes a number']);
  });
});

describe('interpreter', () => {
  const def = playbook('unpaid-order-reminder');
  const placed = {
    ...event('order_placed', { orderId: 'A', total: 1, currency: 'CNY', items: [] }),
    occurredAt: '2026-05-04T02:00:00.000Z',
  };
  const now = new Date(placed.occurredAt);

  it('pins the version an instance started on', () => {
    const started = start(def, placed, customer(), now);
    expect(started?.instance.version).toBe(1);
    const v2 = { ...def, version: 2 };
    expect(() =>
      advance(started?.instance as never, v2, { timerFired: '2026-05-04T02:30:00.000Z' }, customer(), now),
    ).toThrow(/unpaid-order-reminder@1/);
  });

  it('ignores a timer fired early or for a wait that is over', () => {
    const started = start(def, placed, customer(), now);
    const instance = started?.instance as never;
    expect(started?.actions).toEqual([{ type: 'wakeAt', at: '2026-05-04T02:30:00.000Z' }]);
    expect(
      advance(instance, def, { timerFired: '2026-05-04T02:30:00.000Z' }, customer(), now).actions,
    ).toEqual([]);
    expect(
      advance(
        instance,
        def,
        { timerFired: '2026-05-04T02:31:00.000Z' },
        customer(),
        new Date('2026-05-04T03:00:00Z'),
      ).actions,
    ).toEqual([]);
  });

  it('applies re-entry rules: never, after days, always', () => {
    const entry = {
      instanceId: 'old',
      journeyId: 'j',
      key: null,
      startedAt: '2026-05-01T00:00:00.000Z',
      endedAt: '2026-05-01T00:00:00.000Z',
    };
    const j = (reentry: unknown) => parseDefinition({ ...base, reentry, steps: [{ id: 'x', type: 'exit' }] });
    const signup = { ...event('signed_up'), occurredAt: now.toISOString() };
    const who = customer({ entries: [entry] });
    expect(start(j({ mode: 'never' }), signup, who, now)).toBeNull();
    expect(start(j({ mode: 'afterDays', days: 7 }), signup, who, now)).toBeNull();
    expect(start(j({ mode: 'afterDays', days: 3 }), signup, who, now)).not.toBeNull();
    expect(start(j({ mode: 'always' }), signup, who, now)).not.toBeNull();
    expect(
      start(j({ mode: 'always' }), signup, customer({ entries: [{ ...entry, endedAt: null }] }), now),
    ).toBeNull();
  });
});

describe('holiday calendar', () => {
  it("knows Mother's Day, the fixed sale days and Lunar New Year by year", () => {
    const day = (id: string, year: number) =>
      holidayDate(defaultHolidayCalendar.find((h) => h.id === id) as never, year);
    expect(day('mothers-day', 2026)).toBe('2026-05-10');
    expect(day('mothers-day', 2027)).toBe('2027-05-09');
    expect(day('womens-day', 2026)).toBe('2026-03-08');
    expect(day('lunar-new-year', 2026)).toBe('2026-02-17');
    expect(day('lunar-new-year', 2036)).toBeNull();
    expect(lunarNewYear).toHaveLength(12);
  });

  it('fires the next holiday at its time on the shop clock', () => {
    const def = playbook('holiday-care');
    if (def.trigger.type !== 'holiday') throw new Error('holiday trigger');
    const due = nextHolidayTrigger(
      def.trigger,
      defaultHolidayCalendar,
      'Asia/Shanghai',
      new Date('2026-06-01T00:00:00Z'),
    );
    expect(due?.at.toISOString()).toBe('2026-06-18T02:00:00.000Z');
    expect(due?.event.properties).toMatchObject({ holiday: '618', on: '2026-06-18' });
  });
});

describe('coupons', () => {
  const secret = 'a-shop-secret-of-some-length';
  const rule = defaultCouponRules[0] as (typeof defaultCouponRules)[number]; // from 100, 3 off
  const now = new Date('2026-05-04T02:00:00.000Z');

  it('derives one readable code per send, the same on a retry', () => {
    const code = couponCode(secret, 'send-1');
    expect(code).toHaveLength(10);
    expect([...code].every((ch) => codeAlphabet.includes(ch))).toBe(true);
    expect(couponCode(secret, 'send-1')).toBe(code);
    expect(couponCode(secret, 'send-2')).not.toBe(code);
    expect(couponCode('another-shop-secret-here', 'send-1')).not.toBe(code);
  });

  it('redeems within validity, from the minimum order, once, for its customer', () => {
    const coupon = issueCoupon(rule, 'send-1', 'c1', secret, now);
    const order = { orderId: 'o1', customerId: 'c1', total: 100, placedAt: '2026-05-05T00:00:00.000Z' };
    const ok = redeem(coupon, defaultCouponRules, order);
    expect(ok).toMatchObject({ ok: true, discount: 3, freeShipping: false });
    const used = ok.ok ? ok.coupon : coupon;
    expect(redeem(used, defaultCouponRules, order).ok).toBe(true);
    expect(redeem(used, defaultCouponRules, { ...order, orderId: 'o2' })).toEqual({
      ok: false,
      reason: 'already-redeemed',
    });
    expect(redeem(coupon, defaultCouponRules, { ...order, total: 99.99 })).toEqual({
      ok: false,
      reason: 'below-minimum',
    });
    expect(redeem(coupon, defaultCouponRules, { ...order, customerId: 'c2' })).toEqual({
      ok: false,
      reason: 'other-customer',
    });
    expect(redeem(coupon, defaultCouponRules, { ...order, placedAt: '2026-05-18T02:00:00.000Z' })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(redeem(undefined, defaultCouponRules, order)).toEqual({ ok: false, reason: 'unknown-code' });
  });
});
