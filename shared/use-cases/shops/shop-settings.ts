import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import {
  type ContactPolicySettings,
  parseContactPolicySettings,
} from '../../domain/journeys/contact-policy.js';
import { type CouponRule, couponRulesNamed, couponRulesSchema } from '../../domain/journeys/coupons.js';
import {
  contactPolicyOf,
  couponRulesOf,
  type ShopSettings,
  type TierRule,
  tiersSchema,
} from '../../domain/shops/shop.js';
import { issuesOf } from '../../domain/validation.js';
import type { JourneyStore } from '../../ports/journeys/journey-store.js';
import type { ShopStore } from '../../ports/shops/shop-store.js';
import { listJourneys } from '../journeys/journey-definitions.js';

/**
 * The settings a shop edits itself through the API: its contact policy, its coupon rules and its
 * tiers. Each
 * is read as the shop has it (the defaults until it sets its own) and replaced as a whole; a PUT
 * leaves the shop's other settings alone. The runtimes read shop settings through a short cache,
 * so a change applies to sends decided from a minute or so later.
 */

export interface ShopSettingsDeps {
  shops: Pick<ShopStore, 'updateSettings'>;
  journeys: JourneyStore;
}

/** The policy without its zone: the zone is the shop's, and quiet hours are on that clock. */
export function contactPolicySettingsOf(shop: ShopSettings): ContactPolicySettings {
  const { timeZone: _zone, ...settings } = contactPolicyOf(shop);
  return settings;
}

async function update(
  deps: ShopSettingsDeps,
  shop: ShopSettings,
  fields: Parameters<ShopStore['updateSettings']>[1],
): Promise<ShopSettings> {
  const updated = await deps.shops.updateSettings(shop.shopId, fields);
  if (!updated) throw new NotFoundError(`shop ${shop.shopId}`);
  return updated;
}

/** PUT /v1/settings/contact-policy: what is left out takes the default (`{}` restores them all). */
export async function putContactPolicy(
  deps: ShopSettingsDeps,
  shop: ShopSettings,
  body: unknown,
): Promise<ContactPolicySettings> {
  const contactPolicy = parseContactPolicySettings(body);
  return contactPolicySettingsOf(await update(deps, shop, { contactPolicy }));
}

export const couponRulesBodySchema = z.strictObject({ rules: couponRulesSchema });

export function couponRulesView(shop: ShopSettings): { rules: CouponRule[] } {
  return { rules: couponRulesOf(shop) };
}

/**
 * PUT /v1/settings/coupon-rules: the shop's whole set. A rule an enabled journey names cannot go
 * (409 naming the journeys): disable or edit them first. Running instances of older versions that
 * name a rule gone are withheld with `no-coupon-rule`, never sent without the code they promise.
 */
export async function putCouponRules(
  deps: ShopSettingsDeps,
  shop: ShopSettings,
  body: unknown,
): Promise<{ rules: CouponRule[] }> {
  const parsed = couponRulesBodySchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  const { rules } = parsed.data;
  const kept = new Set(rules.map((r) => r.id));
  const needing = (await listJourneys(deps, shop.shopId))
    .filter((j) => j.enabled)
    .flatMap((j) =>
      couponRulesNamed(j.definition.steps)
        .filter((n) => !kept.has(n.ruleId))
        .map((n) => `${j.journeyId} (${n.ruleId})`),
    );
  if (needing.length > 0)
    throw new ConflictError(
      `enabled journeys name coupon rules this set leaves out: ${needing.join(', ')}; disable or edit them first`,
    );
  return couponRulesView(await update(deps, shop, { couponRules: rules }));
}

export const tiersBodySchema = z.strictObject({ tiers: tiersSchema });

export function tiersView(shop: ShopSettings): { tiers: TierRule[] } {
  return { tiers: shop.tiers };
}

/**
 * PUT /v1/settings/tiers: the shop's whole ladder. A customer's tier follows the new rules at the
 * customer's next change (an event, a PUT) or at the shop's next nightly refresh (retierCustomers),
 * whichever comes first, with one tier_changed as for any move. Price factors and benefits apply to
 * what is decided from about a minute later (the runtimes cache shop settings briefly).
 */
export async function putTiers(
  deps: ShopSettingsDeps,
  shop: ShopSettings,
  body: unknown,
): Promise<{ tiers: TierRule[] }> {
  const parsed = tiersBodySchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return tiersView(await update(deps, shop, { tiers: parsed.data.tiers }));
}
