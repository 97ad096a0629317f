import type { Campaign } from '../../domain/campaigns/campaign.js';
import { defaultLowerShare } from '../../domain/campaigns/campaign.js';
import { discoveryDefinitions } from '../../domain/segments/discovery.js';
import { cutsOf, refreshShard, type ShopCuts, sketchShard } from '../../domain/segments/engine.js';
import { customerInputOf } from '../../domain/segments/features.js';
import { decodeCuts, type PlainCuts } from '../../domain/segments/refresh-codec.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { AudienceMember } from '../../ports/campaigns/campaign-store.js';
import type { AudienceStore } from '../../ports/segments/audience-store.js';
import type { SegmentDefinitionStore } from '../../ports/segments/definition-store.js';
import type { RefreshResultStore } from '../../ports/segments/refresh-result-store.js';
import type { RefreshRunStore } from '../../ports/segments/refresh-runs.js';
import type { SegmentStore } from '../../ports/segments/segment-store.js';
import { findOfferFit } from '../segments/offer-fit.js';
import { validateCandidate } from '../segments/segment-definitions.js';

export interface AudienceDeps {
  segments: SegmentStore;
  audiences: AudienceStore;
  definitions: SegmentDefinitionStore;
  results: RefreshResultStore;
  runs: RefreshRunStore;
}

export interface AudiencePage {
  members: AudienceMember[];
  /** Pass back for the next page; absent on the last. */
  cursor?: string;
}

/** The candidate's id in a rule evaluation: a reserved word, so it clashes with no saved segment. */
const candidateId = 'preview';

/**
 * One page of a campaign's audience, reading in proportion to it:
 * - a segment or discovered group: its member items (membersOf), as of the latest nightly refresh;
 * - offer fit: the customers whose usual basket lies just under the offer's threshold or tiers,
 *   reachable on the campaign's first channel (findOfferFit), each with the tier it fits;
 * - a custom rule: one shard of the shop a page (the cursor is the shard), evaluated with the shop's
 *   other segments and the cuts (RFM quintiles, gold threshold) of the latest nightly refresh, so the
 *   rule selects what the refresh would; before any refresh, the shard's own cuts.
 * A page may hold fewer members than `limit` (or none) while a cursor says more remain.
 */
export async function audiencePage(
  deps: AudienceDeps,
  shop: ShopSettings,
  campaign: Campaign,
  page: { limit: number; cursor?: string },
  now: Date,
): Promise<AudiencePage> {
  const { audience, offer } = campaign;
  if ('segment' in audience || 'discovered' in audience) {
    const id = 'segment' in audience ? audience.segment : audience.discovered;
    const members = await deps.segments.membersOf(shop.shopId, id, page);
    return {
      members: members.customerIds.map((customerId) => ({ customerId })),
      ...(members.cursor && { cursor: members.cursor }),
    };
  }
  if ('offerFit' in audience) {
    const stated =
      offer.type === 'free_shipping'
        ? { freeShippingThreshold: offer.threshold }
        : offer.type === 'tier_discount'
          ? { tiers: offer.tiers }
          : null;
    if (!stated) throw new Error(`campaign ${campaign.id}: offer fit on a ${offer.type} offer`);
    const fit = await findOfferFit(deps.audiences, shop, {
      ...stated,
      lowerShare: audience.lowerShare ?? defaultLowerShare,
      channel: campaign.channels[0] ?? 'email',
      limit: page.limit,
      cursor: page.cursor,
    });
    return {
      members: fit.customers.map((c) => ({
        customerId: c.customerId,
        fit: { threshold: c.threshold, gap: c.gap, ...(c.reward !== undefined && { reward: c.reward }) },
      })),
      ...(fit.cursor && { cursor: fit.cursor }),
    };
  }
  return rulePage(deps, shop, audience.rule, Number(page.cursor ?? 0), now);
}

async function latestCuts(deps: AudienceDeps, shopId: string): Promise<ShopCuts | null> {
  const { latest } = await deps.results.getSummaries(shopId);
  const run = latest && (await deps.runs.get(shopId, latest.runId));
  if (!run?.plan) return null;
  const plan = JSON.parse(run.plan) as { cuts?: PlainCuts };
  return plan.cuts ? decodeCuts(plan.cuts) : null;
}

async function rulePage(
  deps: AudienceDeps,
  shop: ShopSettings,
  rule: unknown,
  shard: number,
  now: Date,
): Promise<AudiencePage> {
  const saved = await deps.definitions.list(shop.shopId);
  const candidate = { id: candidateId, name: 'campaign audience', rule };
  validateCandidate(candidate as Parameters<typeof validateCandidate>[0], saved);
  const inputs = [];
  for await (const batch of deps.segments.customersOfShard(shop.shopId, shard))
    for (const { profile } of batch) inputs.push(customerInputOf(profile, shop.timeZone, now));
  const cuts = (await latestCuts(deps, shop.shopId)) ?? cutsOf(sketchShard(inputs));
  const definitions = [
    ...saved.map(({ id, name, rule: r }) => ({ id, name, rule: r })),
    ...discoveryDefinitions,
    candidate,
  ];
  const result = refreshShard(inputs, { timeZone: shop.timeZone }, cuts, definitions, now);
  const members = inputs.flatMap((input, i) =>
    result.segments[i]?.includes(candidateId) ? [{ customerId: input.customerId }] : [],
  );
  const next = shard + 1;
  return { members, ...(next < deps.segments.shards && { cursor: String(next) }) };
}
