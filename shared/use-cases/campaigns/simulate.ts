import { z } from 'zod';
import { type Campaign, campaignOf, parseCampaignInput } from '../../domain/campaigns/campaign.js';
import { occurrenceOf, runsWithin } from '../../domain/campaigns/schedule.js';
import {
  contactOf,
  count,
  emptyCounts,
  planCustomer,
  type TreatmentCounts,
} from '../../domain/campaigns/treatment.js';
import { ValidationError } from '../../domain/errors.js';
import { withShopCouponRule } from '../../domain/journeys/coupons.js';
import { dayMs } from '../../domain/segments/features.js';
import { couponRulesOf, type ShopSettings } from '../../domain/shops/shop.js';
import type { CampaignStore } from '../../ports/campaigns/campaign-store.js';
import { audiencePage } from './audience.js';
import { customersOf, pageSize, type ReadDeps, runOf } from './run-campaign.js';

/** A campaign's dry run; a body with `journey` is a journey's (journeys/simulate-journey.ts). */
export const simulateSchema = z.strictObject({
  /** A saved campaign's id, or a draft body as POST /v1/campaigns takes it. */
  campaign: z.union([z.string().min(1).max(64), z.record(z.string(), z.unknown())]),
  days: z.number().int().min(1).max(90).default(7),
  /** How many messages the answer lists (the counts cover everyone). */
  limit: z.number().int().min(0).max(1000).default(100),
});
export type SimulateRequest = z.output<typeof simulateSchema>;

export interface SimulatedMessage {
  customerId: string;
  /** The run it belongs to. */
  runAt: string;
  /** When it would go (send) or was decided (withheld). */
  at: string;
  outcome: 'send' | 'withheld' | 'deferred-past-window';
  channel: string;
  templateId: string;
  reason?: string;
  /** Deferred first: why, and until when. */
  deferred?: Array<{ reason: string; until: string }>;
  data?: Record<string, unknown>;
}

export interface Simulation {
  from: string;
  to: string;
  campaignId: string;
  runs: Array<{ at: string } & TreatmentCounts>;
  messages: SimulatedMessage[];
}

/** Times a deferred message is decided again within the window before the dry run gives up on it. */
const maxRedecisions = 20;

/**
 * A dry run: who would get what and when over the next `days`, for a saved campaign or a draft. Each
 * run in the window is played as the worker would play it (the same planCustomer), and a deferred
 * message is decided again when its slot opens, with the messages the dry run already "sent" counted
 * in each customer's history (so caps, quiet hours and one-a-day apply across runs). Nothing is
 * written and nothing is queued. Merging with other sources' messages is not played: a campaign has
 * one message per customer and run.
 */
export async function simulateCampaign(
  deps: ReadDeps & { campaigns: CampaignStore; clock: () => Date },
  shop: ShopSettings,
  request: SimulateRequest,
): Promise<Simulation> {
  const now = deps.clock();
  const to = new Date(now.getTime() + request.days * dayMs);
  let campaign: Campaign;
  if (typeof request.campaign === 'string') {
    const saved = await deps.campaigns.get(shop.shopId, request.campaign);
    if (!saved)
      throw new ValidationError([
        { path: 'campaign', message: `no campaign ${request.campaign} in this shop` },
      ]);
    campaign = saved;
  } else {
    try {
      campaign = {
        ...campaignOf(
          shop.shopId,
          'draft',
          parseCampaignInput(withShopCouponRule(request.campaign, couponRulesOf(shop))),
          now,
          null,
        ),
        version: 0,
      };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(error.issues.map((i) => ({ ...i, path: `campaign.${i.path}` })));
    }
  }
  const sentByCustomer = new Map<
    string,
    Array<{ at: string; channel: 'email' | 'sms'; purpose: 'marketing' | 'transactional' }>
  >();
  const runs: Simulation['runs'] = [];
  const messages: SimulatedMessage[] = [];
  for (const runAt of runsWithin(campaign.schedule, shop.timeZone, now, to)) {
    const run = await runOf(deps, shop, campaign, occurrenceOf(campaign.schedule, runAt), runAt);
    const counts = emptyCounts();
    let cursor: string | undefined;
    do {
      const page = await audiencePage(deps, shop, campaign, { limit: pageSize, cursor }, now);
      for (const loaded of await customersOf(deps, shop, page.members, now)) {
        const id = loaded.input.customerId;
        const sent = () => [...loaded.sent, ...(sentByCustomer.get(id) ?? [])];
        const deferred: Array<{ reason: string; until: string }> = [];
        let at = runAt;
        let t = planCustomer(run, { ...loaded, sent: sent() }, at);
        count(counts, t);
        while (t.outcome === 'defer' && deferred.length < maxRedecisions) {
          deferred.push({ reason: t.reason, until: t.until });
          at = new Date(t.until);
          if (at.getTime() >= to.getTime()) break;
          t = planCustomer(run, { ...loaded, sent: sent() }, at);
        }
        const base = {
          customerId: id,
          runAt: runAt.toISOString(),
          at: at.toISOString(),
          templateId: campaign.templateId,
          ...(deferred.length > 0 && { deferred }),
        };
        let message: SimulatedMessage;
        if (t.outcome === 'defer')
          message = { ...base, outcome: 'deferred-past-window', channel: t.channel, reason: t.reason };
        else if (t.outcome === 'withheld')
          message = { ...base, outcome: 'withheld', channel: t.request.channel, reason: t.reason };
        else {
          sentByCustomer.set(id, [...(sentByCustomer.get(id) ?? []), contactOf(t.request)]);
          message = {
            ...base,
            outcome: 'send',
            channel: t.request.channel,
            ...(t.request.data && { data: t.request.data }),
          };
        }
        if (messages.length < request.limit) messages.push(message);
      }
      cursor = page.cursor;
    } while (cursor);
    runs.push({ at: runAt.toISOString(), ...counts });
  }
  return { from: now.toISOString(), to: to.toISOString(), campaignId: campaign.id, runs, messages };
}
