import type { IssuedCoupon } from '../../domain/journeys/coupons.js';

/** A code as huitou issued it: the send that carried it and, for codes that know their rule, the coupon. */
export interface CouponIssue {
  sendId: string;
  /** Absent for codes issued before sends recorded their coupon's rule: those credit, never redeem. */
  coupon?: IssuedCoupon;
}

/** The coupons huitou issued, one item per code beside the send that carried it. */
export interface CouponStore {
  /** The code as issued (case, spaces and dashes as a customer may type them), with the order that redeemed it. */
  couponOf(shopId: string, code: string): Promise<CouponIssue | null>;
  /**
   * Marks the coupon redeemed by this order, unless another order has: true when it is now this
   * order's (marking it again for the same order, as a replayed stream does, is true again).
   */
  markRedeemed(shopId: string, code: string, orderId: string, at: string): Promise<boolean>;
}
