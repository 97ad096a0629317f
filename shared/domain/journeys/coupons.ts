import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { toMinorUnits } from '../customers/money.js';
import { type FieldIssue, ValidationError } from '../errors.js';
import { issuesOf } from '../validation.js';

/**
 * Coupons: rules a shop defines (orders from 100 get 3 off, free shipping over 80) and one code per
 * send, derived from the send's idempotency key with the shop's secret. A retried send derives the
 * same code, so no coupon is issued twice, and nobody can guess another customer's code.
 */

const money = z.number().nonnegative().max(1e9);

export const couponRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _'),
    offer: z.discriminatedUnion('type', [
      /** `off` currency units off an order of at least `minOrder` (before the discount). */
      z.strictObject({ type: z.literal('amountOff'), minOrder: money, off: money.positive() }),
      z.strictObject({ type: z.literal('freeShipping'), minOrder: money }),
    ]),
    /** Days the code is valid from the moment it is issued. */
    validDays: z.number().int().min(1).max(366),
    /** Put in front of the code so a shop's staff can tell its campaigns apart. */
    prefix: z
      .string()
      .regex(/^[A-Z0-9]{0,6}$/, 'up to 6 capital letters or digits')
      .default(''),
  })
  .refine((r) => r.offer.type !== 'amountOff' || r.offer.off < r.offer.minOrder, {
    message: 'the discount must be less than the minimum order',
    path: ['offer', 'off'],
  });

export type CouponRule = z.output<typeof couponRuleSchema>;

export function parseCouponRule(input: unknown): CouponRule {
  const parsed = couponRuleSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return parsed.data;
}

/** A shop's whole set of rules: ids unique, so journeys and campaigns name a rule by its id. */
export const couponRulesSchema = z
  .array(couponRuleSchema)
  .max(50)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule ${r.id}` });
      seen.add(r.id);
    });
  });

export function parseCouponRules(input: unknown): CouponRule[] {
  const parsed = couponRulesSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return parsed.data;
}

/** The rules the playbooks name, for a shop that has not set its own. */
export const defaultCouponRules: CouponRule[] = [
  { id: 'from-100-3-off', offer: { type: 'amountOff', minOrder: 100, off: 3 }, validDays: 14, prefix: '' },
  { id: 'from-150-5-off', offer: { type: 'amountOff', minOrder: 150, off: 5 }, validDays: 14, prefix: '' },
  { id: 'free-shipping-80', offer: { type: 'freeShipping', minOrder: 80 }, validDays: 14, prefix: '' },
];

/** No I, O, 0 or 1: a code read aloud or typed from a text message comes out right. */
export const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const codeLength = 10;

/** The code for one send: 10 characters (50 bits) of HMAC-SHA256(secret, idempotency key). */
export function couponCode(shopSecret: string, idempotencyKey: string, prefix = ''): string {
  if (shopSecret.length < 16) throw new Error('a coupon secret needs at least 16 characters');
  const mac = createHmac('sha256', shopSecret).update(idempotencyKey).digest();
  let code = '';
  // 5 bits per character from the MAC's leading bytes.
  let bits = 0;
  let acc = 0;
  for (const byte of mac) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5 && code.length < codeLength) {
      bits -= 5;
      code += codeAlphabet[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
    if (code.length === codeLength) break;
  }
  return prefix + code;
}

/** A code as a customer may type it: lower case, spaces and dashes. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export interface IssuedCoupon {
  code: string;
  ruleId: string;
  customerId: string;
  /** The send (or coupon step) it was issued for. */
  idempotencyKey: string;
  validFrom: string;
  validUntil: string;
  /** The order that redeemed it, once one has. */
  redeemedBy: string | null;
}

export function issueCoupon(
  rule: CouponRule,
  idempotencyKey: string,
  customerId: string,
  shopSecret: string,
  now: Date,
): IssuedCoupon {
  return {
    code: couponCode(shopSecret, idempotencyKey, rule.prefix),
    ruleId: rule.id,
    customerId,
    idempotencyKey,
    validFrom: now.toISOString(),
    validUntil: new Date(now.getTime() + rule.validDays * 86_400_000).toISOString(),
    redeemedBy: null,
  };
}

export interface CouponOrder {
  orderId: string;
  customerId: string;
  /** Currency units, before the coupon's discount. */
  total: number;
  placedAt: string;
}

export type Redemption =
  | { ok: true; coupon: IssuedCoupon; discount: number; freeShipping: boolean }
  | {
      ok: false;
      reason:
        | 'unknown-code'
        | 'other-customer'
        | 'not-yet-valid'
        | 'expired'
        | 'below-minimum'
        | 'already-redeemed';
    };

/**
 * Whether an order may use a coupon, and what it takes off; the coupon comes back marked with the
 * order. The same order redeeming again (a re-delivered event) gets the same answer.
 */
export function redeem(
  coupon: IssuedCoupon | undefined,
  rules: readonly CouponRule[],
  order: CouponOrder,
): Redemption {
  const rule = coupon && rules.find((r) => r.id === coupon.ruleId);
  if (!coupon || !rule) return { ok: false, reason: 'unknown-code' };
  if (coupon.customerId !== order.customerId) return { ok: false, reason: 'other-customer' };
  if (coupon.redeemedBy !== null && coupon.redeemedBy !== order.orderId)
    return { ok: false, reason: 'already-redeemed' };
  const at = Date.parse(order.placedAt);
  if (at < Date.parse(coupon.validFrom)) return { ok: false, reason: 'not-yet-valid' };
  if (at >= Date.parse(coupon.validUntil)) return { ok: false, reason: 'expired' };
  if (toMinorUnits(order.total) < toMinorUnits(rule.offer.minOrder))
    return { ok: false, reason: 'below-minimum' };
  return {
    ok: true,
    coupon: { ...coupon, redeemedBy: order.orderId },
    discount: rule.offer.type === 'amountOff' ? rule.offer.off : 0,
    freeShipping: rule.offer.type === 'freeShipping',
  };
}

/**
 * A campaign body whose coupon offer names one of the shop's rules by id (`{type: 'coupon', rule:
 * 'from-100-3-off'}`) gets that rule written in, so the campaign keeps the rule as it was when it
 * was saved; a rule given whole, and every other body, pass as they are.
 */
export function withShopCouponRule(body: unknown, rules: readonly CouponRule[]): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const offer = (body as { offer?: unknown }).offer as { type?: unknown; rule?: unknown } | undefined;
  if (offer?.type !== 'coupon' || typeof offer.rule !== 'string') return body;
  const rule = rules.find((r) => r.id === offer.rule);
  if (!rule)
    throw new ValidationError([
      {
        path: 'offer.rule',
        message: `no coupon rule ${offer.rule} in this shop (GET /v1/settings/coupon-rules)`,
      },
    ]);
  return { ...body, offer: { ...offer, rule } };
}

/** A step that names a coupon rule: a send carrying a code, or a coupon step. */
type CouponStep = { type: string; coupon?: string | undefined; rule?: string | undefined };

/** The coupon rules a journey's steps name, with the field that names each. */
export function couponRulesNamed(
  steps: readonly CouponStep[],
  prefix = 'steps',
): Array<{ ruleId: string; path: string }> {
  return steps.flatMap((s, i) => {
    const field = s.type === 'send' ? 'coupon' : s.type === 'coupon' ? 'rule' : null;
    const ruleId = field && s[field];
    return ruleId ? [{ ruleId, path: `${prefix}.${i}.${field}` }] : [];
  });
}

/**
 * The coupon rules a journey's steps name that the shop does not have, by field path, so a journey
 * is not saved or turned on promising a coupon nobody can issue.
 */
export function missingCouponRules(
  steps: readonly CouponStep[],
  rules: readonly CouponRule[],
  prefix = 'steps',
): FieldIssue[] {
  const known = new Set(rules.map((r) => r.id));
  return couponRulesNamed(steps, prefix)
    .filter((n) => !known.has(n.ruleId))
    .map((n) => ({
      path: n.path,
      message: `no coupon rule ${n.ruleId} in this shop (GET /v1/settings/coupon-rules)`,
    }));
}
