import { summarize } from '../../domain/customers/profile.js';
import { timeSegments } from '../../domain/segments/lifecycle.js';
import { isNightlyRefreshDue } from '../../domain/shops/schedule.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { SegmentStore } from '../../ports/segments/segment-store.js';
import type { ShopStore } from '../../ports/shops/shop-store.js';

export interface RefreshReport {
  shopId: string;
  customers: number;
  changed: number;
}

const timeSegmentPrefixes = ['lifecycle:', 'activity:'];

/** Recomputes one shop's time-dependent segments, writing only the memberships that changed. */
export async function refreshShopSegments(
  store: SegmentStore,
  shop: ShopSettings,
  now: Date,
): Promise<RefreshReport> {
  const counts = await Promise.all(
    Array.from({ length: store.shards }, async (_, shard) => {
      let customers = 0;
      let changed = 0;
      for await (const page of store.customersOfShard(shop.shopId, shard)) {
        for (const { profile, version } of page) {
          customers += 1;
          const stats = summarize(profile.activity, shop.timeZone);
          const kept = profile.segments.filter((s) => !timeSegmentPrefixes.some((p) => s.startsWith(p)));
          const next = [...kept, ...timeSegments(stats, now)].sort();
          if (next.join('|') === [...profile.segments].sort().join('|')) continue;
          // A customer who changed meanwhile is left for the stream and the next run.
          const change = {
            segments: next,
            joined: next.filter((s) => !profile.segments.includes(s)),
            left: profile.segments.filter((s) => !next.includes(s)),
          };
          if (await store.setMemberships(shop.shopId, profile.customerId, version, change)) changed += 1;
        }
      }
      return { customers, changed };
    }),
  );
  return {
    shopId: shop.shopId,
    customers: counts.reduce((a, c) => a + c.customers, 0),
    changed: counts.reduce((a, c) => a + c.changed, 0),
  };
}

/**
 * Primary course: on each hourly tick, refresh every shop whose wall clock reads 02:xx, or the
 * shops named explicitly (a manual `fire`).
 */
export async function refreshDueShops(
  shops: ShopStore,
  store: SegmentStore,
  now: Date,
  only?: string[],
): Promise<RefreshReport[]> {
  const all = await shops.listShops();
  const due = only
    ? all.filter((s) => only.includes(s.shopId))
    : all.filter((s) => isNightlyRefreshDue(now, s.timeZone));
  const reports: RefreshReport[] = [];
  for (const shop of due) reports.push(await refreshShopSegments(store, shop, now));
  return reports;
}
