import { NotFoundError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { ShopStore } from '../../ports/shops/shop-store.js';
import { perShopCache } from './per-shop-cache.js';

/** Shop settings change rarely and are read for every event: kept a minute per container. */
export function shopSettingsCache(
  store: ShopStore,
  clock: () => Date,
): (shopId: string) => Promise<ShopSettings> {
  return perShopCache(async (shopId) => {
    const settings = await store.getShop(shopId);
    if (!settings) throw new NotFoundError(`shop ${shopId}`);
    return settings;
  }, clock);
}
