import { createHash, randomUUID } from 'node:crypto';
import {
  type Campaign,
  type CampaignInput,
  campaignOf,
  parseCampaignInput,
} from '../../domain/campaigns/campaign.js';
import { firstRun, nextRunAfter, occurrenceOf } from '../../domain/campaigns/schedule.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { withShopCouponRule } from '../../domain/journeys/coupons.js';
import { couponRulesOf, type ShopSettings } from '../../domain/shops/shop.js';
import type { CampaignQueue, CampaignStore, LaunchTask } from '../../ports/campaigns/campaign-store.js';
import { type CampaignEstimate, estimateCampaign, type ReadDeps } from './run-campaign.js';

export interface CampaignDeps extends ReadDeps {
  campaigns: CampaignStore;
  queue: CampaignQueue;
  clock: () => Date;
}

export interface LaunchAnswer {
  campaign: Campaign;
  /** The audience after holdout, global control, product role and contact policy, as of now. */
  estimate: CampaignEstimate;
  /** True when this call started a run (`{at: 'now'}`); false when it is scheduled or was created before. */
  launched: boolean;
  /** False when the idempotency key named a campaign created before: that one is answered, unchanged. */
  created: boolean;
}

/** A campaign id: from the client's idempotency key when there is one, so a retried POST is one campaign. */
function campaignIdOf(shopId: string, idempotencyKey?: string): string {
  const seed = idempotencyKey ? JSON.stringify([shopId, idempotencyKey]) : randomUUID();
  return `cmp-${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
}

function firstTask(campaign: Campaign, runAt: Date): LaunchTask {
  return {
    shopId: campaign.shopId,
    campaignId: campaign.id,
    occurrence: occurrenceOf(campaign.schedule, runAt),
    startedAt: runAt.toISOString(),
    page: { number: 0 },
  };
}

/** A campaign to save from its input: launched now for `{at: 'now'}`, else with its first run due. */
function scheduled(shop: ShopSettings, id: string, input: CampaignInput, now: Date): Campaign {
  const launchNow = 'at' in input.schedule && input.schedule.at === 'now';
  const base = campaignOf(
    shop.shopId,
    id,
    input,
    now,
    launchNow ? null : firstRun(input.schedule, shop.timeZone, now).toISOString(),
  );
  return launchNow
    ? { ...base, status: 'launched', lastRunAt: now.toISOString(), version: 1 }
    : { ...base, version: 1 };
}

/**
 * POST /v1/campaigns: validates, estimates the audience after the contact policy, saves, and for
 * `{at: 'now'}` queues the run's first page (the rest fan out from it). The estimate is computed
 * before anything is queued. With the same idempotency key a retry answers the campaign saved first
 * and launches nothing more.
 */
export async function createCampaign(
  deps: CampaignDeps,
  shop: ShopSettings,
  body: unknown,
  idempotencyKey?: string,
): Promise<LaunchAnswer> {
  const input = parseCampaignInput(withShopCouponRule(body, couponRulesOf(shop)));
  const now = deps.clock();
  const campaign = scheduled(shop, campaignIdOf(shop.shopId, idempotencyKey), input, now);
  const estimate = await estimateCampaign(deps, shop, campaign, now);
  if (!(await deps.campaigns.create(campaign))) {
    const existing = await deps.campaigns.get(shop.shopId, campaign.id);
    if (!existing) throw new ConflictError('the campaign was created and removed meanwhile; retry');
    return { campaign: existing, estimate, launched: false, created: false };
  }
  const launched = campaign.status === 'launched';
  if (launched) await deps.queue.enqueue([firstTask(campaign, now)]);
  return { campaign, estimate, launched, created: true };
}

export async function getCampaign(deps: Pick<CampaignDeps, 'campaigns'>, shop: ShopSettings, id: string) {
  const campaign = await deps.campaigns.get(shop.shopId, id);
  if (!campaign) throw new NotFoundError(`campaign ${id}`);
  return campaign;
}

export async function listCampaigns(deps: Pick<CampaignDeps, 'campaigns'>, shop: ShopSettings) {
  return { campaigns: await deps.campaigns.list(shop.shopId) };
}

/** The estimate of a saved campaign, as of now. */
export async function estimateSaved(deps: CampaignDeps, shop: ShopSettings, id: string) {
  return estimateCampaign(deps, shop, await getCampaign(deps, shop, id), deps.clock());
}

/** PUT: replaces a campaign that has not run yet (409 once it has run or was cancelled). */
export async function updateCampaign(
  deps: CampaignDeps,
  shop: ShopSettings,
  id: string,
  body: unknown,
): Promise<LaunchAnswer> {
  const input = parseCampaignInput(withShopCouponRule(body, couponRulesOf(shop)));
  const previous = await getCampaign(deps, shop, id);
  if (previous.status !== 'scheduled')
    throw new ConflictError(`campaign ${id} is ${previous.status}: only a campaign not yet run can change`);
  const now = deps.clock();
  const fresh = scheduled(shop, id, input, now);
  const next: Campaign = { ...fresh, createdAt: previous.createdAt, version: previous.version + 1 };
  const estimate = await estimateCampaign(deps, shop, next, now);
  if (!(await deps.campaigns.replace(previous, next)))
    throw new ConflictError(`campaign ${id} changed meanwhile; read it and retry`);
  const launched = next.status === 'launched';
  if (launched) await deps.queue.enqueue([firstTask(next, now)]);
  return { campaign: next, estimate, launched, created: false };
}

/**
 * DELETE: cancels. No further run starts, and the pages and deferrals of a run under way find the
 * campaign cancelled and send nothing more. Cancelling twice answers the cancelled campaign.
 */
export async function cancelCampaign(deps: CampaignDeps, shop: ShopSettings, id: string): Promise<Campaign> {
  const previous = await getCampaign(deps, shop, id);
  if (previous.status === 'cancelled') return previous;
  const next: Campaign = {
    ...previous,
    status: 'cancelled',
    nextRunAt: null,
    updatedAt: deps.clock().toISOString(),
    version: previous.version + 1,
  };
  if (!(await deps.campaigns.replace(previous, next)))
    throw new ConflictError(`campaign ${id} changed meanwhile; retry`);
  return next;
}

export interface ScheduleDeps {
  campaigns: CampaignStore;
  queue: CampaignQueue;
  shops: { getShop(shopId: string): Promise<ShopSettings | null> };
  clock: () => Date;
}

/** Due items one tick takes; more wait for the next minute. */
export const tickLimit = 500;

/**
 * The campaign schedule's tick (every minute): runs whose time came start (their first page is
 * queued and the campaign moves to its next run, computed after now so a late tick does not replay
 * missed runs), and deferred customers whose slot opened go back on the campaign queue. A run is taken
 * by one conditional write (two ticks may both queue its first page, which sends nothing twice); a deferral is queued, then removed
 * (a crash between queues it again, and the worker finds those customers already queued).
 */
/**
 * When the campaign schedule next has work after a tick at `now` that did `tick`: at once when the
 * tick stopped at its limit (more may be due already), else the earliest run or deferral after now.
 * The local clock jumps there; on AWS the schedule fires every minute regardless.
 */
export async function nextCampaignDueAt(
  deps: Pick<ScheduleDeps, 'campaigns'>,
  now: Date,
  tick: { runs: number; deferrals: number },
): Promise<string | null> {
  if (tick.runs >= tickLimit || tick.deferrals >= tickLimit) return now.toISOString();
  return deps.campaigns.nextDueAfter(now.toISOString());
}

export async function runCampaignSchedule(deps: ScheduleDeps): Promise<{ runs: number; deferrals: number }> {
  const now = deps.clock();
  let runs = 0;
  for (const due of await deps.campaigns.dueRuns(now.toISOString(), tickLimit)) {
    const campaign = await deps.campaigns.get(due.shopId, due.campaignId);
    const shop = await deps.shops.getShop(due.shopId);
    if (!campaign || !shop || campaign.status === 'cancelled' || campaign.nextRunAt !== due.runAt) continue;
    const runAt = new Date(due.runAt);
    const next = nextRunAfter(campaign.schedule, shop.timeZone, now);
    const moved: Campaign = {
      ...campaign,
      status: 'launched',
      lastRunAt: due.runAt,
      nextRunAt: next ? next.toISOString() : null,
      updatedAt: now.toISOString(),
      version: campaign.version + 1,
    };
    // Queued before the campaign moves on: a crash between the two queues the same run again (its
    // send ids are the same), never loses it.
    await deps.queue.enqueue([firstTask(moved, runAt)]);
    if (await deps.campaigns.replace(campaign, moved)) runs += 1;
  }
  const deferrals = await deps.campaigns.dueDeferrals(now.toISOString(), tickLimit);
  for (const d of deferrals) {
    await deps.queue.enqueue([
      {
        shopId: d.shopId,
        campaignId: d.campaignId,
        occurrence: d.occurrence,
        startedAt: d.startedAt,
        page: { customers: d.customers },
      },
    ]);
    await deps.campaigns.removeDeferral(d);
  }
  return { runs, deferrals: deferrals.length };
}
