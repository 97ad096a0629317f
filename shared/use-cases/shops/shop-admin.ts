import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { holidayCalendarSchema } from '../../domain/journeys/calendar.js';
import { shopSegmentOverridesSchema } from '../../domain/segments/settings.js';
import { tiersSchema } from '../../domain/shops/shop.js';
import { issuesOf } from '../../domain/validation.js';
import type { SenderTenant, SenderTenants } from '../../ports/sending/sender-tenants.js';
import type { ApiKeyRecord, ShopStore } from '../../ports/shops/shop-store.js';
import { createApiKey, createShop } from './api-keys.js';

/**
 * Shop and API-key administration: what the operator does, never a shop. On AWS it is served on
 * `/admin` behind API Gateway's IAM authorizer (SigV4); locally by `npm run shop`.
 */
const newShopSchema = z.strictObject({
  name: z.string().min(1).max(128),
  shopId: z
    .string()
    .regex(/^[a-z0-9-]{2,40}$/, '2–40 lowercase letters, digits and dashes')
    .optional(),
  timeZone: z.string().min(1).optional(),
  defaultRegion: z.string().length(2).optional(),
  currency: z.string().length(3).optional(),
  rateLimitPerSecond: z.number().int().positive().optional(),
  segments: shopSegmentOverridesSchema.optional(),
  /** The shop's holiday calendar, where the defaults do not suit (PUT /v1/holidays changes it later). */
  holidays: holidayCalendarSchema.optional(),
  /** The shop's tiers (thresholds, price factors, the benefits the tier change notice lists). */
  tiers: tiersSchema.optional(),
});

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 32) || 'shop'
  );
}

/**
 * A new shop with its sending tenant and first key; the key is returned once and stored only as a
 * hash. A shop that exists without any key (revoked keys count) is a creation that stopped before
 * its key, usually at the tenant: asking again completes it rather than refusing it.
 */
export async function addShop(
  store: ShopStore,
  tenants: SenderTenants,
  body: unknown,
  now: Date,
): Promise<{ shopId: string; apiKey: string; tenant: SenderTenant | null }> {
  const input = newShopSchema.safeParse(body);
  if (!input.success) throw new ValidationError(issuesOf(input.error));
  const { name, shopId: wanted, ...overrides } = input.data;
  const shopId = wanted ?? slug(name);
  if ((await store.getShop(shopId)) && (await store.listApiKeys(shopId)).length > 0)
    throw new ConflictError(`Shop ${shopId} exists already`);
  const { settings, key, tenant } = await createShop(store, { shopId, name, overrides }, now, tenants);
  return { shopId: settings.shopId, apiKey: key, tenant };
}

/**
 * Provisions an existing shop's sending tenant again: for shops made before the deployment sent
 * as tenants, or to bring a tenant's setup up to date. Idempotent.
 */
export async function ensureShopTenant(
  store: ShopStore,
  tenants: SenderTenants,
  shopId: string,
): Promise<{ shopId: string; tenant: SenderTenant | null }> {
  await existing(store, shopId);
  return { shopId, tenant: await tenants.ensureTenant(shopId) };
}

export async function listShops(store: ShopStore): Promise<Array<{ shopId: string; name: string }>> {
  return (await store.listShops()).map((s) => ({ shopId: s.shopId, name: s.name }));
}

async function existing(store: ShopStore, shopId: string): Promise<void> {
  if (!(await store.getShop(shopId))) throw new NotFoundError(`shop ${shopId}`);
}

/** Keys by prefix with their times; never the hash. */
export async function listKeys(store: ShopStore, shopId: string): Promise<Array<Omit<ApiKeyRecord, 'hash'>>> {
  await existing(store, shopId);
  return (await store.listApiKeys(shopId)).map(({ hash: _hash, ...visible }) => visible);
}

/** Rotation is a new key next to the old one; the old one is revoked once the shop's clients have the new. */
export async function addKey(
  store: ShopStore,
  shopId: string,
  now: Date,
): Promise<{ shopId: string; apiKey: string }> {
  await existing(store, shopId);
  return { shopId, apiKey: (await createApiKey(store, shopId, now)).key };
}

export async function revokeKey(
  store: ShopStore,
  shopId: string,
  prefix: string,
  now: Date,
): Promise<{ revoked: string }> {
  await existing(store, shopId);
  if (!(await store.revokeApiKey(shopId, prefix, now.toISOString())))
    throw new NotFoundError(`active key ${prefix} of shop ${shopId}`);
  return { revoked: prefix };
}
