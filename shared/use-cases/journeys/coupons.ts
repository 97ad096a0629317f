import { z } from 'zod';
import { customerIdSchema } from '../../domain/customers/traits.js';
import { type CouponOrder, normalizeCode, type Redemption, redeem } from '../../domain/journeys/coupons.js';
import { couponRulesOf, type ShopSettings } from '../../domain/shops/shop.js';
import type { CouponIssue, CouponStore } from '../../ports/journeys/coupons.js';

/**
 * Coupons at the shop's checkout and after its orders: whether an order may use a code huitou
 * issued (GET /v1/coupons/{code}), and marking the code used by the first paid order that carries
 * it. Both decide with the domain's redeem(), on the shop's current rules.
 */

/** Currency units, at most two decimals, from a query string. */
const money = z.coerce
  .number()
  .nonnegative()
  .max(1e9)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimal places');

export const couponCheckSchema = z.object({
  code: z.string().min(1).max(64),
  customerId: customerIdSchema,
  /** The order before this coupon's discount. */
  total: money,
  /** The order being checked out, when it has an id already: its own redemption does not refuse it. */
  orderId: z.string().min(1).max(128).optional(),
});
export type CouponCheckInput = z.output<typeof couponCheckSchema>;

export type CouponCheck =
  | {
      code: string;
      valid: true;
      ruleId: string;
      discount: number;
      freeShipping: boolean;
      validUntil: string;
    }
  | { code: string; valid: false; reason: Extract<Redemption, { ok: false }>['reason'] };

function checkOf(code: string, r: Redemption): CouponCheck {
  if (!r.ok) return { code, valid: false, reason: r.reason };
  const { ruleId, validUntil } = r.coupon;
  return { code, valid: true, ruleId, discount: r.discount, freeShipping: r.freeShipping, validUntil };
}

/** May this order, now, use this code, and what does it take off? An unknown code is an answer, not an error. */
export async function checkCoupon(
  deps: { coupons: Pick<CouponStore, 'couponOf'>; clock: () => Date },
  shop: ShopSettings,
  input: CouponCheckInput,
): Promise<CouponCheck> {
  const code = normalizeCode(input.code);
  const issue = await deps.coupons.couponOf(shop.shopId, code);
  const order: CouponOrder = {
    // No order id yet: any redemption is another order's.
    orderId: input.orderId ?? '',
    customerId: input.customerId,
    total: input.total,
    placedAt: deps.clock().toISOString(),
  };
  return checkOf(code, redeem(issue?.coupon, couponRulesOf(shop), order));
}

export interface RedeemCouponDeps {
  coupons: Pick<CouponStore, 'markRedeemed'>;
  /** An order that carried a code it may not use (reused, expired, another customer's, below the minimum). */
  onRefused?: (refusal: { shopId: string; code: string; orderId: string; reason: string }) => void;
}

/**
 * After a paid order that carries a code huitou issued (its issue already read, for attribution):
 * marks the code redeemed by this order, one conditional write. Another order already holding it
 * keeps it; the refusal is reported, not stored, since nothing reads it and the shop's checkout let
 * the order through already. A replayed order finds its own mark and gets the same answer.
 */
export async function redeemOrderCoupon(
  deps: RedeemCouponDeps,
  shop: ShopSettings,
  issue: CouponIssue,
  order: CouponOrder,
): Promise<Redemption> {
  const decided = redeem(issue.coupon, couponRulesOf(shop), order);
  const code = issue.coupon?.code;
  // A code issued before sends recorded their rule credits its send and is never marked.
  if (!code) return decided;
  const refuse = (r: Extract<Redemption, { ok: false }>) => {
    deps.onRefused?.({ shopId: shop.shopId, code, orderId: order.orderId, reason: r.reason });
    return r;
  };
  if (!decided.ok) return refuse(decided);
  // Another order's mark may have landed since the read: the condition keeps the first.
  if (await deps.coupons.markRedeemed(shop.shopId, code, order.orderId, order.placedAt)) return decided;
  return refuse({ ok: false, reason: 'already-redeemed' });
}
