import { z } from 'zod';
import { fromMinorUnits } from '../../domain/customers/money.js';
import { discoveryDefinitions } from '../../domain/segments/discovery.js';
import { refreshShop } from '../../domain/segments/engine.js';
import { type CustomerInput, customerInputOf, dayMs } from '../../domain/segments/features.js';
import { segmentRuleSchema } from '../../domain/segments/rules.js';
import { type ShopSettings, segmentSettingsOf } from '../../domain/shops/shop.js';
import type { SegmentDefinitionStore } from '../../ports/segments/definition-store.js';
import type { SegmentStore } from '../../ports/segments/segment-store.js';
import { validateCandidate } from './segment-definitions.js';

export interface PreviewDeps {
  definitions: SegmentDefinitionStore;
  segments: SegmentStore;
  clock: () => Date;
}

export const previewSchema = z.strictObject({
  rule: segmentRuleSchema,
  sampleSize: z.number().int().min(0).max(100).default(10),
});
export type PreviewRequest = z.infer<typeof previewSchema>;

export interface PreviewSample {
  customerId: string;
  paidOrderCount: number;
  /** Currency units. */
  totalSpend: number;
  daysSinceLastOrder: number | null;
  rfmCell: string | null;
  lifecycle: string;
  activity: string;
}

export interface SegmentPreview {
  asOf: string;
  customers: number;
  size: number;
  shareOfCustomers: number;
  /** Members' net revenue, currency units. */
  revenue: number;
  /** The first members in the order read (by shard, then customer id). */
  sample: PreviewSample[];
}

/** The candidate's id in the run: a reserved word, so it clashes with no saved segment. */
const candidateId = 'preview';

async function liveCustomers(store: SegmentStore, shop: ShopSettings, now: Date): Promise<CustomerInput[]> {
  const shards = await Promise.all(
    Array.from({ length: store.shards }, async (_, shard) => {
      const inputs: CustomerInput[] = [];
      for await (const page of store.customersOfShard(shop.shopId, shard))
        for (const { profile } of page) inputs.push(customerInputOf(profile, shop.timeZone, now));
      return inputs;
    }),
  );
  return shards.flat();
}

/**
 * What a rule would select now, before it is saved: validated as a save would be, then run with the
 * shop's segments over every live customer of the shop (a whole-shop read, as the nightly refresh
 * does). Without the repurchase model's figures: rules on P(alive) or the predicted next order hold
 * for no one here.
 */
export async function previewSegment(
  deps: PreviewDeps,
  shop: ShopSettings,
  request: PreviewRequest,
): Promise<SegmentPreview> {
  const saved = await deps.definitions.list(shop.shopId);
  const candidate = { id: candidateId, name: 'preview', rule: request.rule };
  validateCandidate(candidate, saved);
  const now = deps.clock();
  const customers = await liveCustomers(deps.segments, shop, now);
  const definitions = [
    ...saved.map(({ id, name, rule }) => ({ id, name, rule })),
    ...discoveryDefinitions,
    candidate,
  ];
  const result = refreshShop(customers, segmentSettingsOf(shop), definitions, now);
  const size = result.summary.counts[candidateId] ?? 0;
  const sample: PreviewSample[] = [];
  for (let i = 0; i < customers.length && sample.length < request.sampleSize; i++) {
    if (!result.segments[i]?.includes(candidateId)) continue;
    const f = result.featuresAt(i);
    sample.push({
      customerId: f.input.customerId,
      paidOrderCount: f.input.paidOrderCount,
      totalSpend: fromMinorUnits(f.input.totalSpend),
      daysSinceLastOrder:
        f.input.lastOrderAt === null ? null : Math.floor((now.getTime() - f.input.lastOrderAt) / dayMs),
      rfmCell: f.rfmCell,
      lifecycle: f.lifecycle,
      activity: f.activity,
    });
  }
  return {
    asOf: now.toISOString(),
    customers: customers.length,
    size,
    shareOfCustomers: customers.length > 0 ? size / customers.length : 0,
    revenue: result.summary.revenueBySegment[candidateId] ?? 0,
    sample,
  };
}
