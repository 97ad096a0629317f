import type { ShopSettings } from '../../domain/shops/shop.js';
import type { MembersPage, SegmentStore } from '../../ports/segments/segment-store.js';

/** A page of a segment's members (built-in or custom), reading only the members it returns. */
export async function listMembers(
  store: SegmentStore,
  shop: ShopSettings,
  segmentId: string,
  page: { limit: number; cursor?: string },
): Promise<MembersPage & { segmentId: string }> {
  return { segmentId, ...(await store.membersOf(shop.shopId, segmentId, page)) };
}
