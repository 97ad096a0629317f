import { describe, expect, it } from 'vitest';
import type { RefreshSummary } from '../../../../../shared/ports/segments/refresh-result-store.js';
import { discoverSegments } from '../../../../../shared/use-cases/segments/discover-segments.js';
import { FakeRefreshResultStore } from '../../../../support/fakes/refresh-results.js';
import { teaShop } from '../../../../support/shop-events.js';

const shop = teaShop();
const summary = (asOf: string, dueSoon: number): RefreshSummary => ({
  runId: asOf,
  asOf,
  finishedAt: asOf,
  changed: 0,
  customers: 100,
  buyers: 60,
  counts: { 'discover:due-soon': dueSoon },
  revenue: 5_000,
  goldRevenue: 0,
  goldRevenueShare: 0,
  revenueBySegment: { 'discover:due-soon': 1_000 },
  paidOrdersBySegment: { 'discover:due-soon': 40 },
  shopIntervalDays: 30,
});

describe('discovering segments', () => {
  it('answers with no groups and a note before the first refresh', async () => {
    expect(await discoverSegments(new FakeRefreshResultStore(), shop)).toEqual({
      asOf: null,
      previousAsOf: null,
      groups: [],
      note: expect.stringContaining('No nightly refresh'),
    });
  });

  it('reads the latest and the previous refresh', async () => {
    const results = new FakeRefreshResultStore();
    await results.saveSummary(shop.shopId, summary('2026-11-01T18:00:00.000Z', 12));
    expect(await discoverSegments(results, shop)).toMatchObject({
      asOf: '2026-11-01T18:00:00.000Z',
      previousAsOf: null,
      groups: [{ id: 'discover:due-soon', size: 12, previousSize: null }],
    });
    await results.saveSummary(shop.shopId, summary('2026-11-02T18:00:00.000Z', 20));
    expect(await discoverSegments(results, shop)).toEqual({
      asOf: '2026-11-02T18:00:00.000Z',
      previousAsOf: '2026-11-01T18:00:00.000Z',
      groups: [
        {
          id: 'discover:due-soon',
          title: 'Next order predicted within 7 days',
          suggestion: 'repurchase reminder',
          size: 20,
          shareOfCustomers: 0.2,
          revenue: 1_000,
          revenueShare: 0.2,
          averageOrderValue: 25,
          previousSize: 12,
          sizeChange: 8,
        },
      ],
    });
  });
});
