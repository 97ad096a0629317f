import { describe, expect, it } from 'vitest';
import { checkCoupon } from '../../../../../shared/use-cases/journeys/coupons.js';
import { FakeSendRecords, sendRecord } from '../../../../support/fakes/send-records.js';
import { teaShop } from '../../../../support/shop-events.js';

// A win-back send on 1 November carried Ann's code under the shop's default "from 100, 3 off" rule.
const issuedAt = '2026-11-01T09:00:00.000Z';
const validUntil = '2026-11-15T09:00:00.000Z';

function checkout(now = '2026-11-10T12:00:00.000Z') {
  const records = new FakeSendRecords().put(
    sendRecord({
      sendId: 'win-back-ann',
      customerId: 'ann',
      requestedAt: issuedAt,
      couponCode: 'K7QMWP3XRT',
      couponRuleId: 'from-100-3-off',
      couponValidUntil: validUntil,
    }),
    sendRecord({
      sendId: 'care-ann',
      customerId: 'ann',
      requestedAt: issuedAt,
      couponCode: 'FS8H2N4KJD',
      couponRuleId: 'free-shipping-80',
      couponValidUntil: validUntil,
    }),
  );
  const check = (code: string, q: { customerId?: string; total?: number; orderId?: string } = {}) =>
    checkCoupon({ coupons: records, clock: () => new Date(now) }, teaShop(), {
      code,
      customerId: q.customerId ?? 'ann',
      total: q.total ?? 120,
      ...(q.orderId ? { orderId: q.orderId } : {}),
    });
  return { records, check };
}

describe('checkCoupon', () => {
  it('takes 3 off Ann’s order from 100, however she typed the code', async () => {
    expect(await checkout().check('k7qm-wp3x rt')).toEqual({
      code: 'K7QMWP3XRT',
      valid: true,
      ruleId: 'from-100-3-off',
      discount: 3,
      freeShipping: false,
      validUntil,
    });
  });

  it('gives free shipping, and nothing off, under a free-shipping rule', async () => {
    expect(await checkout().check('FS8H2N4KJD', { total: 80 })).toMatchObject({
      valid: true,
      discount: 0,
      freeShipping: true,
    });
  });

  it('refuses another customer, an order below the minimum, and a code past its days', async () => {
    const { check } = checkout();
    expect(await check('K7QMWP3XRT', { customerId: 'bob' })).toEqual({
      code: 'K7QMWP3XRT',
      valid: false,
      reason: 'other-customer',
    });
    expect(await check('K7QMWP3XRT', { total: 99.99 })).toMatchObject({
      valid: false,
      reason: 'below-minimum',
    });
    expect(await check('K7QMWP3XRT', { total: 100 })).toMatchObject({ valid: true });
    expect(await checkout(validUntil).check('K7QMWP3XRT')).toMatchObject({ valid: false, reason: 'expired' });
    expect(await checkout('2026-10-31T00:00:00.000Z').check('K7QMWP3XRT')).toMatchObject({
      valid: false,
      reason: 'not-yet-valid',
    });
  });

  it('answers an unknown code (a shop’s own, or a guess) as not valid rather than not found', async () => {
    expect(await checkout().check('SUMMER10')).toEqual({
      code: 'SUMMER10',
      valid: false,
      reason: 'unknown-code',
    });
  });

  it('refuses a code another order redeemed, and gives the same answer again to the order that did', async () => {
    const { records, check } = checkout();
    expect(await records.markRedeemed('tea', 'K7QMWP3XRT', 'o1', '2026-11-09T10:00:00.000Z')).toBe(true);
    expect(await check('K7QMWP3XRT')).toMatchObject({ valid: false, reason: 'already-redeemed' });
    expect(await check('K7QMWP3XRT', { orderId: 'o2' })).toMatchObject({
      valid: false,
      reason: 'already-redeemed',
    });
    const same = await check('K7QMWP3XRT', { orderId: 'o1' });
    expect(same).toMatchObject({ valid: true, discount: 3 });
    expect(await check('K7QMWP3XRT', { orderId: 'o1' })).toEqual(same);
  });

  it('treats a code whose rule the shop has since removed as unknown', async () => {
    const { records } = checkout();
    const shop = teaShop({ couponRules: [] });
    const answer = await checkCoupon({ coupons: records, clock: () => new Date(issuedAt) }, shop, {
      code: 'K7QMWP3XRT',
      customerId: 'ann',
      total: 120,
    });
    expect(answer).toMatchObject({ valid: false, reason: 'unknown-code' });
  });
});
