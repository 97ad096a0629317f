import { summarize } from '../../domain/customers/profile.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { ErasureStore } from '../../ports/customers/erasure-store.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';
import { findLive } from './get-customer.js';

/** Primary course: find the live customer, then erase it: PII and events go, an anonymous tombstone keeps aggregates. */
export async function eraseCustomer(
  profiles: ProfileStore,
  erasure: ErasureStore,
  shop: ShopSettings,
  customerId: string,
  now: Date,
): Promise<void> {
  const live = await findLive(profiles, shop.shopId, customerId);
  const stats = summarize(live.profile.activity, shop.timeZone);
  await erasure.erase(shop.shopId, live, {
    erasedAt: now.toISOString(),
    tier: live.profile.tier,
    paidOrderCount: stats.paidOrderCount,
    totalSpend: stats.totalSpend,
    firstOrderAt: stats.firstOrderAt,
    lastOrderAt: stats.lastOrderAt,
  });
}
