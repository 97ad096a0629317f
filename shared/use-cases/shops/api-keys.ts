import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { RateLimitedError, UnauthorizedError } from '../../domain/errors.js';
import { defaultShopSettings, type ShopSettings } from '../../domain/shops/shop.js';
import {
  type SenderTenant,
  type SenderTenants,
  withoutSenderTenants,
} from '../../ports/sending/sender-tenants.js';
import type { ApiKeyRecord, ShopStore } from '../../ports/shops/shop-store.js';

const keyPrefixLength = 12;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Issues a new key for the shop. The key is returned once and only its hash is kept. */
export async function createApiKey(
  store: ShopStore,
  shopId: string,
  now: Date,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = `hk_${randomBytes(24).toString('base64url')}`;
  const record: ApiKeyRecord = {
    shopId,
    prefix: key.slice(0, keyPrefixLength),
    hash: hashApiKey(key),
    createdAt: now.toISOString(),
  };
  await store.putApiKey(record);
  return { key, record };
}

/**
 * Creates a shop with default settings, its sending tenant and its first API key, in that order: a
 * shop without a key is one whose creation stopped (the tenant call failed), and nobody can use it
 * yet, so running the creation again completes it (addShop). The key comes last and only once.
 */
export async function createShop(
  store: ShopStore,
  input: { shopId: string; name: string; overrides?: Partial<ShopSettings> },
  now: Date,
  tenants: SenderTenants = withoutSenderTenants,
): Promise<{ settings: ShopSettings; key: string; tenant: SenderTenant | null }> {
  const settings = {
    ...defaultShopSettings(input.shopId, input.name, now.toISOString()),
    ...input.overrides,
  };
  await store.putShop(settings);
  const tenant = await tenants.ensureTenant(input.shopId);
  const { key } = await createApiKey(store, input.shopId, now);
  return { settings, key, tenant };
}

/**
 * The shop a presented key belongs to (however the request carried it, see `presentedApiKey`);
 * every failure looks the same to the caller.
 */
export async function authenticate(store: ShopStore, key: string | undefined): Promise<ShopSettings> {
  if (key === undefined || !/^hk_[A-Za-z0-9_-]{16,64}$/.test(key)) throw new UnauthorizedError();
  const presented = hashApiKey(key);
  const record = await store.findApiKey(presented);
  if (!record || record.revokedAt) throw new UnauthorizedError();
  // The lookup was by hash; compare again in constant time so timing says nothing about near misses.
  if (!timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(presented, 'hex')))
    throw new UnauthorizedError();
  const shop = await store.getShop(record.shopId);
  if (!shop) throw new UnauthorizedError();
  return shop;
}

/** Fixed one-second windows shared by all of a shop's API calls, wherever they land. */
export async function enforceRateLimit(store: ShopStore, shop: ShopSettings, now: Date): Promise<void> {
  const second = Math.floor(now.getTime() / 1000);
  const count = await store.countRequest(shop.shopId, second);
  if (count > shop.rateLimitPerSecond) throw new RateLimitedError(1);
}
