import { NotFoundError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { ShopStore } from '../../ports/shops/shop-store.js';

const ttlMs = 60_000;

/** Shop settings change rarely and are read for every event: keep them a minute per container. */
export function shopSettingsCache(
  store: ShopStore,
  clock: () => Date,
): (shopId: string) => Promise<ShopSettings> {
  const cache = new Map<string, { settings: ShopSettings; until: number }>();
  return async (shopId) => {
    const hit = cache.get(shopId);
    const t = clock().getTime();
    if (hit && hit.until > t) return hit.settings;
    const settings = await store.getShop(shopId);
    if (!settings) throw new NotFoundError(`shop ${shopId}`);
    cache.set(shopId, { settings, until: t + ttlMs });
    return settings;
  };
}
