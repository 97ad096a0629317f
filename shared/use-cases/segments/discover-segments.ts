import { type DiscoveredGroup, discoverGroups } from '../../domain/segments/discovery.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { RefreshResultStore } from '../../ports/segments/refresh-result-store.js';

export interface Discovery {
  /** As of when the latest and the previous nightly refresh computed; null before them. */
  asOf: string | null;
  previousAsOf: string | null;
  groups: DiscoveredGroup[];
  note?: string;
}

/** The discovery groups of the latest nightly refresh, with the change since the one before. */
export async function discoverSegments(results: RefreshResultStore, shop: ShopSettings): Promise<Discovery> {
  const { latest, previous } = await results.getSummaries(shop.shopId);
  if (!latest)
    return {
      asOf: null,
      previousAsOf: null,
      groups: [],
      note: 'No nightly refresh has run for this shop yet: groups appear after the first (02:00 shop time).',
    };
  return {
    asOf: latest.asOf,
    previousAsOf: previous?.asOf ?? null,
    groups: discoverGroups(latest, previous),
  };
}
