import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../../../shared/domain/customers/profile.js';
import type { ShopSettings } from '../../../../../shared/domain/shops/shop.js';
import { applyNewEvents } from '../../../../../shared/use-cases/customers/apply-events.js';
import { putCustomer } from '../../../../../shared/use-cases/customers/put-customer.js';
import { attributeOrders } from '../../../../../shared/use-cases/sending/attribute-orders.js';
import { customersWorld } from '../../../../support/customers.js';
import { FakeSendRecords, sendRecord } from '../../../../support/fakes/send-records.js';
import { FakeShopSending } from '../../../../support/fakes/sending.js';
import { paid, placed, teaShop, viewed } from '../../../../support/shop-events.js';

const ann = { customerId: 'ann' };
// The order is placed at noon on 10 November; the clock stands a day later.
const orderAt = '2026-11-10T12:00:00.000Z';
const ago = (minutes: number) => new Date(Date.parse(orderAt) - minutes * 60_000).toISOString();
const day = 24 * 60;
/** A send to Ann, requested at `requestedAt`, with one touch: `status` at `at`. */
const touchedSend = (
  sendId: string,
  requestedAt: string,
  status: 'delivered' | 'opened' | 'clicked',
  at: string,
) => sendRecord({ sendId, customerId: 'ann', requestedAt, touches: [{ status, at }] });

function world(settings: ShopSettings = teaShop(), sending = new FakeShopSending()) {
  const customers = customersWorld(settings);
  customers.clock.set('2026-11-11T12:00:00.000Z');
  const records = new FakeSendRecords();
  const refusals: Array<{ code: string; orderId: string; reason: string }> = [];
  const deps = {
    profiles: customers.profiles,
    sendRecords: records,
    conversions: records,
    coupons: records,
    shopSettings: async () => settings,
    sendingSettings: (shopId: string) => sending.get(shopId),
    onCouponRefused: ({ code, orderId, reason }: { code: string; orderId: string; reason: string }) =>
      refusals.push({ code, orderId, reason }),
  };
  /** One stream batch: the events applied, then attributed, as the stream handler does. */
  const batch = async (raws: unknown[]) => {
    const stored = customers.stored(raws);
    const failed = await customers.apply(raws);
    expect(failed.size).toBe(0);
    return attributeOrders(deps, stored);
  };
  const conversion = async (sendId: string) => (await records.get('tea', sendId))?.conversion;
  return { customers, records, deps, batch, conversion, refusals, settings };
}

describe('attributeOrders', () => {
  it('credits the latest touch in its window with the revenue in the unit it came in, and marks the other sends in the window', async () => {
    const w = world();
    w.records.put(
      touchedSend('older-click', ago(4 * day), 'clicked', ago(3 * day)),
      sendRecord({
        sendId: 'newer-open',
        customerId: 'ann',
        source: { kind: 'journey', journeyId: 'j1' },
        requestedAt: ago(2 * day),
        touches: [
          { status: 'delivered', at: ago(2 * day - 2) },
          { status: 'opened', at: ago(day) },
        ],
      }),
      sendRecord({ sendId: 'someone-else', customerId: 'bob', requestedAt: ago(day) }),
    );
    const failed = await w.batch([placed(ann, 'o1', 128.5, orderAt, { paidAt: ago(-5) })]);
    expect(failed.size).toBe(0);
    expect(await w.conversion('newer-open')).toEqual({
      orderId: 'o1',
      revenue: 128.5,
      currency: 'CNY',
      at: orderAt,
      by: 'opened',
    });
    expect((await w.conversion('older-click'))?.by).toBe('window');
    expect(await w.conversion('someone-else')).toBeUndefined();
  });

  it('takes the customers the stream just committed instead of reading them again', async () => {
    const w = world();
    w.records.put(sendRecord({ sendId: 'open', customerId: 'ann', requestedAt: ago(day) }));
    const raws = [placed(ann, 'o1', 128.5, orderAt, { paidAt: ago(-5) })];
    const applied = new Map<string, Profile>();
    const failed = await applyNewEvents(
      {
        ...w.customers.deps,
        onApplied: (events, profile) => {
          for (const e of events) applied.set(e.id, profile);
        },
      },
      w.customers.stored(raws),
    );
    expect(failed.size).toBe(0);
    const unread = () => Promise.reject(new Error('read again'));
    const deps = {
      ...w.deps,
      profiles: { getProfiles: unread, findOwners: unread, getArchivedOrders: unread },
    };
    expect((await attributeOrders(deps, w.customers.stored(raws), applied)).size).toBe(0);
    expect((await w.conversion('open'))?.orderId).toBe('o1');
  });

  it('gives a redeemed coupon the credit over a later click, even from outside the window', async () => {
    const w = world();
    w.records.put(
      sendRecord({
        sendId: 'coupon',
        customerId: 'ann',
        requestedAt: ago(20 * day),
        couponCode: 'TEA-7Q2X',
      }),
      touchedSend('click', ago(day), 'clicked', ago(60)),
    );
    await w.batch([placed(ann, 'o1', 99, orderAt, { coupon: 'tea-7q2x', paidAt: orderAt })]);
    expect(await w.conversion('coupon')).toMatchObject({ by: 'coupon', revenue: 99 });
    expect(await w.conversion('click')).toMatchObject({ by: 'window' });
  });

  it('counts a delivery for one day and an open for five, to the millisecond', async () => {
    const w = world();
    w.records.put(touchedSend('delivered-1d', ago(day + 5), 'delivered', ago(day)));
    await w.batch([placed(ann, 'o1', 50, orderAt, { paidAt: orderAt })]);
    expect((await w.conversion('delivered-1d'))?.by).toBe('delivered');

    const late = world();
    late.records.put(
      sendRecord({
        sendId: 'delivered-1d+',
        customerId: 'ann',
        requestedAt: ago(day + 5),
        touches: [
          { status: 'delivered', at: new Date(Date.parse(orderAt) - day * 60_000 - 1).toISOString() },
        ],
      }),
      touchedSend('opened-5d', ago(6 * day), 'opened', ago(5 * day)),
    );
    await late.batch([placed(ann, 'o1', 50, orderAt, { paidAt: orderAt })]);
    // The delivery is a millisecond too old to credit; the open five days back still counts.
    expect((await late.conversion('opened-5d'))?.by).toBe('opened');
    // Not credited, but requested within the five days: in the window, for the arms.
    expect((await late.conversion('delivered-1d+'))?.by).toBe('window');
  });

  it('converts a holdout record within the window the same way, and not one requested before it', async () => {
    const w = world();
    w.records.put(
      sendRecord({ sendId: 'held', customerId: 'ann', requestedAt: ago(5 * day), withheld: 'held-out' }),
      sendRecord({
        sendId: 'held-too-early',
        customerId: 'ann',
        source: { kind: 'campaign', campaignId: 'c2' },
        requestedAt: ago(5 * day + 1),
        withheld: 'held-out',
      }),
      sendRecord({ sendId: 'skipped', customerId: 'ann', requestedAt: ago(day), skipped: 'no-consent' }),
    );
    await w.batch([placed(ann, 'o1', 75, orderAt, { paidAt: orderAt })]);
    expect(await w.conversion('held')).toMatchObject({ by: 'window', revenue: 75, orderId: 'o1' });
    expect(await w.conversion('held-too-early')).toBeUndefined();
    expect(await w.conversion('skipped')).toBeUndefined();
  });

  it('waits for the payment, whichever event comes last, and records once however often the stream replays', async () => {
    const w = world();
    w.records.put(touchedSend('s1', ago(day), 'clicked', ago(30)));
    await w.batch([placed(ann, 'o1', 60, orderAt)]);
    expect(await w.conversion('s1')).toBeUndefined();

    await w.batch([paid(ann, 'o1', ago(-10))]);
    const first = await w.conversion('s1');
    expect(first).toMatchObject({ by: 'clicked', revenue: 60 });

    // A redelivered batch, and a second order: the send keeps its first conversion.
    const failed = await w.batch([
      paid(ann, 'o1', ago(-10)),
      placed(ann, 'o2', 500, ago(-20), { paidAt: ago(-20) }),
    ]);
    expect(failed.size).toBe(0);
    expect(await w.conversion('s1')).toEqual(first);
  });

  it('finds a customer the order names by phone', async () => {
    const w = world();
    await w.customers.apply([
      { ...placed({ customerId: 'ann' }, 'o0', 10, ago(30 * day)), phone: '+8613800138000' },
    ]);
    w.records.put(touchedSend('s1', ago(day), 'opened', ago(60)));
    await w.batch([placed({ phone: '+8613800138000' }, 'o1', 42, orderAt, { paidAt: orderAt })]);
    expect(await w.conversion('s1')).toMatchObject({ by: 'opened', orderId: 'o1', revenue: 42 });
  });

  it('follows the window set in the shop’s sending settings (PUT /v1/settings/sending)', async () => {
    const opened = (w: ReturnType<typeof world>) =>
      w.records.put(touchedSend('s1', ago(8 * day), 'opened', ago(7 * day)));
    const order = placed(ann, 'o1', 42, orderAt, { paidAt: orderAt });
    const byDefault = world();
    opened(byDefault);
    await byDefault.batch([order]);
    expect(await byDefault.conversion('s1')).toBeUndefined();
    const sending = new FakeShopSending();
    await sending.put('tea', { attributionWindow: { afterEngagementDays: 10, afterDeliveryDays: 1 } });
    const longer = world(teaShop(), sending);
    opened(longer);
    await longer.batch([order]);
    expect(await longer.conversion('s1')).toMatchObject({ by: 'opened', revenue: 42 });
  });

  describe('an order given back after it converted', () => {
    const cancelled = (orderId: string, at: string) => ({
      id: `ann:${orderId}:cancelled`,
      type: 'order_cancelled',
      occurredAt: at,
      ...ann,
      properties: { orderId, reason: 'out of stock' },
    });
    const refund = (orderId: string, refundId: string, amount: number, at: string) => ({
      id: `ann:${orderId}:${refundId}`,
      type: 'order_refunded',
      occurredAt: at,
      ...ann,
      properties: { orderId, refundId, amount },
    });
    /** A send clicked half an hour before the order: it gets the credit. */
    const clickedSend = () => touchedSend('clicked', ago(day), 'clicked', ago(30));
    /** A clicked send (credited) and a delivered-only send (in the window) before a paid order of 80. */
    async function converted() {
      const w = world();
      w.records.put(
        clickedSend(),
        sendRecord({ sendId: 'sent-too', customerId: 'ann', requestedAt: ago(2 * day), touches: [] }),
      );
      await w.batch([placed(ann, 'o1', 80, orderAt, { paidAt: orderAt })]);
      expect(await w.conversion('clicked')).toMatchObject({ by: 'clicked', revenue: 80 });
      expect(await w.conversion('sent-too')).toMatchObject({ by: 'window', revenue: 80 });
      return w;
    }

    it('tells every record it converted that the whole order went back when it is cancelled, once however often the stream replays', async () => {
      const w = await converted();
      for (let replay = 0; replay < 2; replay++)
        expect((await w.batch([cancelled('o1', ago(-60))])).size).toBe(0);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o1', revenue: 80, returned: 80 });
      expect(await w.conversion('sent-too')).toMatchObject({ orderId: 'o1', revenue: 80, returned: 80 });
    });

    it('adds up partial refunds in the unit they came in, and a refund reported twice counts once', async () => {
      const w = await converted();
      await w.batch([refund('o1', 'r1', 12.5, ago(-60))]);
      expect((await w.conversion('clicked'))?.returned).toBe(12.5);
      await w.batch([refund('o1', 'r1', 12.5, ago(-60)), refund('o1', 'r2', 7.25, ago(-70))]);
      expect((await w.conversion('clicked'))?.returned).toBe(19.75);
      expect((await w.conversion('sent-too'))?.returned).toBe(19.75);
    });

    it('checks each record once: a replayed cancellation revises nothing again', async () => {
      const w = await converted();
      let revisions = 0;
      const revise = w.records.reviseConversion.bind(w.records);
      w.records.reviseConversion = async (...args) => {
        revisions += 1;
        return revise(...args);
      };
      await w.batch([cancelled('o1', ago(-60))]);
      expect(revisions).toBe(2);
      await w.batch([cancelled('o1', ago(-60))]);
      expect(revisions).toBe(2);
    });

    it('keeps the send with an order refunded in part, and frees it once the refunds reach the whole', async () => {
      const w = await converted();
      await w.batch([refund('o1', 'r1', 30, ago(-60))]);
      await w.batch([placed(ann, 'o2', 45, ago(-120), { paidAt: ago(-120) })]);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o1', returned: 30 });
      await w.batch([refund('o1', 'r2', 50, ago(-180))]);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o2', revenue: 45 });
    });

    it('gives a freed send to the later order whichever comes first in the stream, and a replay changes nothing', async () => {
      const later = placed(ann, 'o2', 45, ago(-120), { paidAt: ago(-120) });
      const orders = [
        [later, cancelled('o1', ago(-60))],
        [cancelled('o1', ago(-60)), later],
      ];
      const outcomes = [];
      for (const batch of orders) {
        const w = await converted();
        await w.batch(batch);
        const first = { clicked: await w.conversion('clicked'), window: await w.conversion('sent-too') };
        await w.batch(batch);
        expect({ clicked: await w.conversion('clicked'), window: await w.conversion('sent-too') }).toEqual(
          first,
        );
        outcomes.push(first);
      }
      expect(outcomes[0]).toEqual(outcomes[1]);
      expect(outcomes[0]?.clicked).toMatchObject({ orderId: 'o2', revenue: 45, by: 'clicked' });
      expect(outcomes[0]?.window).toMatchObject({ orderId: 'o2', revenue: 45, by: 'window' });
    });

    it('takes the whole of a cancelled order off, even when its total was reported again lower since', async () => {
      const w = await converted();
      await w.batch([
        { ...placed(ann, 'o1', 60, orderAt, { paidAt: orderAt }), id: 'ann:o1:placed-again' },
        cancelled('o1', ago(-60)),
      ]);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o1', revenue: 80, returned: 80 });
    });

    it('lets a free order with a refund stand', async () => {
      const w = world();
      w.records.put(clickedSend());
      await w.batch([placed(ann, 'o0', 0, orderAt, { paidAt: orderAt }), refund('o0', 'r1', 0.01, ago(-5))]);
      const conversion = await w.conversion('clicked');
      expect(conversion).toMatchObject({ orderId: 'o0', revenue: 0 });
      expect(conversion?.returned).toBeUndefined();
    });

    it('revises the sends of a customer merged away since', async () => {
      const w = world();
      const phone = '+8613800138000';
      await putCustomer(w.customers.deps, w.settings, 'old', { phone });
      w.customers.clock.advance({ minutes: 1 });
      w.records.put({ ...clickedSend(), customerId: 'new' });
      await w.batch([placed({ customerId: 'new' }, 'o1', 80, orderAt, { paidAt: orderAt })]);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o1', revenue: 80 });
      // The same person: 'new' gives the phone 'old' has, and is merged into the older.
      await w.batch([{ ...viewed({ customerId: 'new' }, 'puer', ago(-10)), phone }]);
      expect((await w.customers.customer('new')).customerId).toBe('old');
      await w.batch([{ ...cancelled('o1', ago(-60)), customerId: 'new' }]);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o1', returned: 80 });
    });

    it('leaves the send free for a later order once its order is cancelled', async () => {
      const w = await converted();
      await w.batch([cancelled('o1', ago(-60))]);
      await w.batch([placed(ann, 'o2', 45, ago(-120), { paidAt: ago(-120) })]);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o2', revenue: 45, by: 'clicked' });
      expect((await w.conversion('clicked'))?.returned).toBeUndefined();
    });

    it('credits nothing to an order cancelled before its payment was seen, and keeps a partial refund beside the credit', async () => {
      const w = world();
      w.records.put(clickedSend());
      await w.batch([placed(ann, 'o1', 80, orderAt), cancelled('o1', ago(-5)), paid(ann, 'o1', ago(-10))]);
      expect(await w.conversion('clicked')).toBeUndefined();
      await w.batch([
        placed(ann, 'o2', 60, ago(-20)),
        refund('o2', 'r1', 10, ago(-30)),
        paid(ann, 'o2', ago(-25)),
      ]);
      expect(await w.conversion('clicked')).toMatchObject({ orderId: 'o2', revenue: 60, returned: 10 });
    });

    it('revises an order already moved out of the profile', async () => {
      const w = await converted();
      w.customers.clock.set(ago(-30 * day));
      // Later orders push o1 out of the profile's recent orders into an item of its own.
      const later = Array.from({ length: 8 }, (_, i) =>
        placed(ann, `later-${i}`, 20, ago(-(i + 2) * day), { paidAt: ago(-(i + 2) * day) }),
      );
      await w.batch(later);
      const profile = (await w.customers.profiles.getProfiles('tea', ['ann'])).get('ann')?.profile;
      expect(profile?.activity.orders.o1).toBeUndefined();
      await w.batch([refund('o1', 'r1', 30, ago(-20 * day))]);
      expect((await w.conversion('clicked'))?.returned).toBe(30);
    });
  });

  it('hands back the events of an order it could not record, and records it on the retry', async () => {
    const w = world();
    w.records.put(touchedSend('s1', ago(day), 'clicked', ago(60)));
    w.records.faults.failNext('recordConversion');
    const event = placed(ann, 'o1', 60, orderAt, { paidAt: orderAt });
    const failed = await w.batch([event]);
    expect([...failed]).toEqual([event.id]);
    expect(await w.conversion('s1')).toBeUndefined();
    expect((await w.batch([event])).size).toBe(0);
    expect(await w.conversion('s1')).toMatchObject({ by: 'clicked' });
  });
});

describe('attributeOrders redeeming coupons', () => {
  const code = 'K7QMWP3XRT';
  const redeemedBy = async (w: ReturnType<typeof world>) =>
    (await w.records.couponOf('tea', code))?.coupon?.redeemedBy;
  /** Ann's code from a win-back send ten days before the order, under "from 100, 3 off". */
  const withCoupon = (w: ReturnType<typeof world>) =>
    w.records.put(
      sendRecord({
        sendId: 'win-back',
        customerId: 'ann',
        requestedAt: ago(10 * day),
        couponCode: code,
        couponRuleId: 'from-100-3-off',
        couponValidUntil: ago(-4 * day),
      }),
    );
  /** An order as the shop reports it: what was paid, and what the coupon took off. */
  const withDiscount = (event: ReturnType<typeof placed>, discount: number) => ({
    ...event,
    properties: { ...event.properties, discount },
  });

  it('marks the code redeemed by the paid order once, and a replayed batch writes the same mark', async () => {
    const w = world();
    withCoupon(w);
    const order = withDiscount(placed(ann, 'o1', 117, orderAt, { coupon: code, paidAt: orderAt }), 3);
    expect((await w.batch([order])).size).toBe(0);
    expect(await redeemedBy(w)).toBe('o1');
    expect(await w.conversion('win-back')).toMatchObject({ by: 'coupon', orderId: 'o1' });
    expect((await w.batch([order])).size).toBe(0);
    expect(await redeemedBy(w)).toBe('o1');
    expect(w.refusals).toEqual([]);
  });

  it('checks the minimum on what the order came to before its discount', async () => {
    const w = world();
    withCoupon(w);
    // 97 paid after 3 off: a 100 order, which the rule's minimum admits.
    await w.batch([withDiscount(placed(ann, 'o1', 97, orderAt, { coupon: code, paidAt: orderAt }), 3)]);
    expect(await redeemedBy(w)).toBe('o1');

    const short = world();
    withCoupon(short);
    await short.batch([placed(ann, 'o1', 97, orderAt, { coupon: code, paidAt: orderAt })]);
    expect(await redeemedBy(short)).toBeNull();
    expect(short.refusals).toEqual([{ code, orderId: 'o1', reason: 'below-minimum' }]);
  });

  it('leaves the code with the first order: a second order carrying it is refused as a reuse', async () => {
    const w = world();
    withCoupon(w);
    await w.batch([placed(ann, 'o1', 120, orderAt, { coupon: code, paidAt: orderAt })]);
    await w.batch([placed(ann, 'o2', 150, ago(-60), { coupon: code.toLowerCase(), paidAt: ago(-60) })]);
    expect(await redeemedBy(w)).toBe('o1');
    expect(w.refusals).toEqual([{ code, orderId: 'o2', reason: 'already-redeemed' }]);
  });

  it('waits for payment: a placed order that is not paid yet marks nothing', async () => {
    const w = world();
    withCoupon(w);
    await w.batch([placed(ann, 'o1', 120, orderAt, { coupon: code })]);
    expect(await redeemedBy(w)).toBeNull();
    await w.batch([paid(ann, 'o1', ago(-30))]);
    expect(await redeemedBy(w)).toBe('o1');
  });

  it('writes nothing for orders without a code, or with a code of the shop’s own', async () => {
    const w = world();
    withCoupon(w);
    await w.batch([
      placed(ann, 'o1', 120, orderAt, { paidAt: orderAt }),
      placed(ann, 'o2', 120, orderAt, { coupon: 'SUMMER10', paidAt: orderAt }),
    ]);
    expect(w.records.redemptionWrites).toBe(0);
    expect(await redeemedBy(w)).toBeNull();
  });

  it('refuses another customer’s code and leaves it unredeemed', async () => {
    const w = world();
    withCoupon(w);
    await w.batch([placed({ customerId: 'bob' }, 'o9', 120, orderAt, { coupon: code, paidAt: orderAt })]);
    expect(await redeemedBy(w)).toBeNull();
    expect(w.refusals).toEqual([{ code, orderId: 'o9', reason: 'other-customer' }]);
  });

  it('hands back an order whose mark could not be written, and marks it on the retry', async () => {
    const w = world();
    withCoupon(w);
    w.records.faults.failNext('markRedeemed');
    const order = placed(ann, 'o1', 120, orderAt, { coupon: code, paidAt: orderAt });
    expect([...(await w.batch([order]))]).toEqual([order.id]);
    expect(await redeemedBy(w)).toBeNull();
    expect((await w.batch([order])).size).toBe(0);
    expect(await redeemedBy(w)).toBe('o1');
  });
});
