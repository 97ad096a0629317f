const ttlMs = 60_000;

/**
 * What changes rarely and is read for every event (shop settings, live segments, journeys): kept a
 * minute per container and shop, so a change takes effect within a minute everywhere.
 */
export function perShopCache<T>(
  load: (shopId: string) => Promise<T>,
  clock: () => Date,
): (shopId: string) => Promise<T> {
  const cache = new Map<string, { value: T; until: number }>();
  return async (shopId) => {
    const hit = cache.get(shopId);
    const t = clock().getTime();
    if (hit && hit.until > t) return hit.value;
    const value = await load(shopId);
    cache.set(shopId, { value, until: t + ttlMs });
    return value;
  };
}
