import { bandSpans } from '../../../shared/adapters/dynamodb/audience-store.js';
import { keys, valueBand } from '../../../shared/adapters/dynamodb/keys.js';
import { summarize } from '../../../shared/domain/customers/profile.js';
import type { ValueRange } from '../../../shared/domain/segments/offer-fit.js';
import type { AudienceStore, CandidatePage } from '../../../shared/ports/segments/audience-store.js';
import type { FakeTable } from './table.js';

/**
 * The audience store of DynamoAudienceStore over the same table as the profiles: live customers
 * whose value band overlaps the ranges (so, like the index, some just outside them),
 * `limit` to a page. Each candidate counts half a read unit, an eventually consistent item.
 */
export class FakeAudienceStore implements AudienceStore {
  constructor(private readonly table: FakeTable) {}

  async candidatesByValue(
    shopId: string,
    ranges: ValueRange[],
    page: { limit: number; cursor?: string },
  ): Promise<CandidatePage> {
    const spans = bandSpans(ranges);
    const all = this.table
      .scan(keys.customer(shopId, '').pk)
      .flatMap(({ item }) => {
        if (item.type !== 'profile' || item.stored.mergedInto) return [];
        const { customerId, traits, activity } = item.stored.profile;
        // The value does not depend on the time zone, only purchase days do.
        const band = valueBand(summarize(activity, 'UTC').averageOrderValue);
        if (!spans.some(([from, to]) => band >= from && band <= to)) return [];
        return [{ customerId, traits, activity }];
      })
      // One stable order, so pages neither repeat nor skip anyone.
      .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
    const from = page.cursor ? Number(page.cursor) : 0;
    const candidates = all.slice(from, from + page.limit);
    const next = from + page.limit;
    return {
      candidates,
      readUnits: candidates.length / 2,
      ...(next < all.length && { cursor: String(next) }),
    };
  }
}
