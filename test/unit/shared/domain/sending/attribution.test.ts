import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attributeOrder,
  type OrderForAttribution,
  type SendForAttribution,
} from '../../../../../shared/domain/sending/attribution.js';

const day = 86_400_000;
const t0 = Date.parse('2025-03-01T00:00:00Z');
const at = (days: number) => new Date(t0 + days * day).toISOString();

function send(sendId: string, sentDay: number, touches: Array<[string, number]>, couponCodes?: string[]) {
  return {
    sendId,
    sentAt: at(sentDay),
    history: [{ status: 'sent', at: at(sentDay) }, ...touches.map(([status, d]) => ({ status, at: at(d) }))],
    ...(couponCodes ? { couponCodes } : {}),
  } satisfies SendForAttribution;
}
const order = (placedDay: number, extra: Partial<OrderForAttribution> = {}): OrderForAttribution => ({
  orderId: 'o-1',
  placedAt: at(placedDay),
  total: 129.9,
  currency: 'CNY',
  ...extra,
});

describe('attribution', () => {
  it('credits an order four days after a click, with its revenue as it came in', () => {
    expect(
      attributeOrder(order(5), [
        send('a', 0, [
          ['delivered', 0.01],
          ['clicked', 1],
        ]),
      ]),
    ).toEqual({
      orderId: 'o-1',
      sendId: 'a',
      by: 'clicked',
      touchAt: at(1),
      revenue: 129.9,
      currency: 'CNY',
    });
  });

  it('counts five days after an open or a click, one after a delivery', () => {
    const opened = [
      send('a', 0, [
        ['delivered', 0],
        ['opened', 0],
      ]),
    ];
    expect(attributeOrder(order(5), opened)?.by).toBe('opened');
    expect(attributeOrder(order(5.001), opened)).toBeNull();
    const delivered = [send('a', 0, [['delivered', 0]])];
    expect(attributeOrder(order(1), delivered)?.by).toBe('delivered');
    expect(attributeOrder(order(1.001), delivered)).toBeNull();
  });

  it('follows the shop’s own window', () => {
    const opened = [send('a', 0, [['opened', 0]])];
    expect(attributeOrder(order(6), opened, { afterEngagementDays: 7, afterDeliveryDays: 1 })?.sendId).toBe(
      'a',
    );
    expect(
      attributeOrder(order(0.5), [send('a', 0, [['delivered', 0]])], {
        afterEngagementDays: 5,
        afterDeliveryDays: 0.25,
      }),
    ).toBeNull();
  });

  it('gives the credit to the latest qualifying touch', () => {
    const sends = [
      send('early', 0, [['clicked', 2]]),
      send('late', 1, [['opened', 3]]),
      send('unseen', 3.5, []),
    ];
    expect(attributeOrder(order(4), sends)).toMatchObject({ sendId: 'late', by: 'opened', touchAt: at(3) });
    // The later send's delivery has run out; the earlier click has not.
    const lapsed = [send('clicked', 0, [['clicked', 2]]), send('delivered', 1, [['delivered', 2.5]])];
    expect(attributeOrder(order(4), lapsed)?.sendId).toBe('clicked');
  });

  it('ignores what happened after the order and touches before the send', () => {
    expect(attributeOrder(order(2), [send('a', 0, [['clicked', 3]])])).toBeNull();
    expect(attributeOrder(order(2), [send('a', 1, [['clicked', 0.5]])])).toBeNull();
    expect(attributeOrder(order(2), [send('a', 0, [['bounced', 1]])])).toBeNull();
  });

  it('gives a redeemed coupon’s order to the send that issued the code, whatever else was touched', () => {
    const sends = [send('coupon', 0, [], ['SPRING-7Q2']), send('clicked', 20, [['clicked', 29]])];
    expect(attributeOrder(order(30, { couponCode: ' spring-7q2' }), sends)).toMatchObject({
      sendId: 'coupon',
      by: 'coupon',
      touchAt: at(0),
    });
    // A code not issued by a send falls back to the touches.
    expect(attributeOrder(order(30, { couponCode: 'WELCOME' }), sends)?.sendId).toBe('clicked');
    // A code issued after the order is no proof.
    expect(attributeOrder(order(30, { couponCode: 'LATER' }), [send('later', 31, [], ['LATER'])])).toBeNull();
  });

  it('does not depend on the order sends are listed in', () => {
    const sends = fc.array(
      fc.record({
        sendId: fc.string({ minLength: 1, maxLength: 4 }),
        sentDay: fc.integer({ min: 0, max: 10 }),
        touches: fc.array(
          fc.tuple(
            fc.constantFrom('delivered', 'opened', 'clicked', 'bounced'),
            fc.integer({ min: 0, max: 12 }),
          ),
          { maxLength: 4 },
        ),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(sends, fc.integer({ min: 0, max: 14 }), (specs, placedDay) => {
        const list = specs.map((s) => send(s.sendId, s.sentDay, s.touches));
        const result = attributeOrder(order(placedDay), list);
        expect(attributeOrder(order(placedDay), [...list].reverse())).toEqual(result);
        if (result) {
          const gap = Date.parse(order(placedDay).placedAt) - Date.parse(result.touchAt);
          expect(gap).toBeGreaterThanOrEqual(0);
          expect(gap).toBeLessThanOrEqual((result.by === 'delivered' ? 1 : 5) * day);
        }
      }),
    );
  });
});
