import { z } from 'zod';
import { toMinorUnits } from '../customers/money.js';
import type { HolidayCalendar } from '../journeys/calendar.js';
import {
  type ContactPolicy,
  type ContactPolicySettings,
  defaultContactPolicy,
} from '../journeys/contact-policy.js';
import { type CouponRule, defaultCouponRules } from '../journeys/coupons.js';
import type { ShopSegmentSettings } from '../segments/engine.js';

/** A shop (tenant) and the settings that shape how its customers are treated. */

export interface TierRule {
  name: string;
  /** Cumulative spend, net of refunds, in the shop's currency units, from which the tier applies. */
  minSpend: number;
  /** What a member of this tier pays, as a share of list price (0.92 = 8% off). */
  priceFactor: number;
  /** What the tier gives, in the shop's words, listed in the tier change notice. */
  benefits?: string[];
}

/** A shop's tiers as the operator sets them: distinct names, each benefit one short line. */
export const tiersSchema = z
  .array(
    z.strictObject({
      name: z.string().trim().min(1).max(64),
      minSpend: z.number().nonnegative().max(1e9),
      priceFactor: z.number().positive().max(1),
      benefits: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
    }),
  )
  .min(1)
  .max(20)
  .superRefine((tiers, ctx) => {
    const seen = new Set<string>();
    tiers.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'named twice' });
      seen.add(t.name);
    });
  });

/** The benefits of the shop's tier by that name (none when the shop has not written any). */
export function tierBenefits(shop: Pick<ShopSettings, 'tiers'>, tier: string): string[] {
  return shop.tiers.find((t) => t.name === tier)?.benefits ?? [];
}

export interface ShopSettings {
  shopId: string;
  name: string;
  /** IANA time zone: quiet hours and the nightly refresh follow the shop's clock. */
  timeZone: string;
  /** ISO 3166 region for phone numbers written without a country code. */
  defaultRegion: string;
  currency: string;
  tiers: TierRule[];
  browsingRetentionDays: number;
  /** Requests per second allowed across all of the shop's API keys. */
  rateLimitPerSecond: number;
  createdAt: string;
  /**
   * The shop's own segment thresholds, where the defaults (derived from its own rhythm) do not
   * suit: sale days, lifecycle multiples and floors, activity windows (see the segments README).
   */
  segments?: ShopSegmentOverrides;
  /** The days holiday care is sent on (`PUT /v1/holidays`); defaultHolidayCalendar when not set. */
  holidays?: HolidayCalendar;
  /** How often and when customers may be contacted; defaultContactPolicy when not set. */
  contactPolicy?: ContactPolicySettings;
  /** The coupon rules journeys and campaigns name by id; defaultCouponRules when not set. */
  couponRules?: CouponRule[];
}

/** The settings a shop edits through the API, each stored as a whole under its own field. */
export type EditableShopSettings = Partial<
  Pick<ShopSettings, 'contactPolicy' | 'couponRules' | 'holidays' | 'tiers'>
>;

/** The contact policy journeys and campaigns apply for this shop, on its clock. */
export function contactPolicyOf(shop: ShopSettings): ContactPolicy {
  return { ...defaultContactPolicy(shop.timeZone), ...shop.contactPolicy, timeZone: shop.timeZone };
}

export function couponRulesOf(shop: ShopSettings): CouponRule[] {
  return shop.couponRules ?? defaultCouponRules;
}

export type ShopSegmentOverrides = Omit<ShopSegmentSettings, 'timeZone'>;

/** What the segment refresh and preview go by for this shop. */
export function segmentSettingsOf(shop: ShopSettings): ShopSegmentSettings {
  return { ...shop.segments, timeZone: shop.timeZone };
}

export const defaultTiers: TierRule[] = [
  { name: 'member', minSpend: 0, priceFactor: 0.95 },
  { name: 'senior', minSpend: 2_000, priceFactor: 0.92 },
  { name: 'vip', minSpend: 5_000, priceFactor: 0.9 },
  { name: 'supreme_vip', minSpend: 20_000, priceFactor: 0.88 },
];

export function defaultShopSettings(shopId: string, name: string, createdAt: string): ShopSettings {
  return {
    shopId,
    name,
    timeZone: 'Asia/Shanghai',
    defaultRegion: 'CN',
    currency: 'CNY',
    tiers: defaultTiers,
    browsingRetentionDays: 180,
    rateLimitPerSecond: 50,
    createdAt,
  };
}

/** The highest tier whose threshold the spend (minor units) reaches; null for a customer who has not bought. */
export function tierFor(netSpendMinor: number, paidOrderCount: number, tiers: TierRule[]): string | null {
  if (paidOrderCount === 0) return null;
  let best: TierRule | undefined;
  for (const tier of tiers) {
    if (netSpendMinor >= toMinorUnits(tier.minSpend) && (!best || tier.minSpend >= best.minSpend))
      best = tier;
  }
  return best?.name ?? null;
}
