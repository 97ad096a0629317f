import type { Campaign } from '../../domain/campaigns/campaign.js';
import {
  type CampaignCustomer,
  type CampaignRun,
  contactOf,
  count,
  emptyCounts,
  historyDays,
  planCustomer,
  type Treatment,
  type TreatmentCounts,
} from '../../domain/campaigns/treatment.js';
import { customerInputOf, dayMs } from '../../domain/segments/features.js';
import type { SendRequest } from '../../domain/sending/send-request.js';
import { contactPolicyOf, type ShopSettings } from '../../domain/shops/shop.js';
import type {
  AudienceMember,
  CampaignQueue,
  CampaignStore,
  ContactHistory,
  CouponSecrets,
  Deferral,
  LaunchTask,
  QueuedContact,
} from '../../ports/campaigns/campaign-store.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';
import type { SendRequestQueue } from '../../ports/sending/send-queue.js';
import { type AudienceDeps, audiencePage } from './audience.js';

/** Customers a launch task reads and decides at once. */
export const pageSize = 200;

export interface ReadDeps extends AudienceDeps {
  profiles: ProfileStore;
  contacts: Pick<ContactHistory, 'sentSince'>;
  coupons: CouponSecrets;
}

export interface LaunchDeps extends ReadDeps {
  shops: { getShop(shopId: string): Promise<ShopSettings | null> };
  campaigns: CampaignStore;
  queue: CampaignQueue;
  sends: SendRequestQueue;
  contacts: ContactHistory;
  clock: () => Date;
}

/** The run's fixed facts, with the shop's contact policy as the run starts. */
export async function runOf(
  deps: Pick<ReadDeps, 'coupons'>,
  shop: ShopSettings,
  campaign: Campaign,
  occurrence: string,
  startedAt: Date,
): Promise<CampaignRun> {
  return {
    shopId: shop.shopId,
    campaign,
    occurrence,
    startedAt,
    policy: contactPolicyOf(shop),
    ...(campaign.offer.type === 'coupon' && { couponSecret: await deps.coupons.secretOf(shop.shopId) }),
  };
}

/** A member as the plan reads it, with the send ids of what they were sent. */
export type LoadedCustomer = Omit<CampaignCustomer, 'sent'> & { sent: QueuedContact[] };

/** What the plan needs of each member: the profile as of now and the recent contact history. */
export async function customersOf(
  deps: Pick<ReadDeps, 'profiles' | 'contacts'>,
  shop: ShopSettings,
  members: readonly AudienceMember[],
  now: Date,
): Promise<LoadedCustomer[]> {
  const profiles = await deps.profiles.getProfiles(
    shop.shopId,
    members.map((m) => m.customerId),
  );
  const since = new Date(now.getTime() - historyDays * dayMs).toISOString();
  const out = await Promise.all(
    members.map(async (m) => {
      const stored = profiles.get(m.customerId);
      // Erased or merged away since the audience was read: nobody to write to.
      if (!stored || stored.mergedInto) return null;
      const sent = await deps.contacts.sentSince(shop.shopId, m.customerId, since);
      return {
        input: customerInputOf(stored.profile, shop.timeZone, now),
        ...(m.fit && { fit: m.fit }),
        sent,
      };
    }),
  );
  return out.filter((c) => c !== null);
}

export interface TaskReport {
  task: Omit<LaunchTask, 'page'> & { page: string };
  outcome: 'done' | 'skipped';
  counts?: TreatmentCounts;
  /** Members already queued by an earlier delivery of this task: left alone. */
  alreadyQueued?: number;
  /** Members gone (erased or merged) since the audience was read. */
  gone?: number;
}

function describe(task: LaunchTask): TaskReport['task'] {
  const page =
    'customers' in task.page ? `deferred:${task.page.customers.length}` : `page:${task.page.number}`;
  return { ...task, page };
}

/**
 * One task of a campaign run: a page of the audience (the next page is queued first, so a run fans
 * out as it goes), or deferred customers whose time came. Each customer is planned (treatment.ts):
 * sends and withheld requests go on the send queue, deferrals into the due index for the campaign
 * schedule to bring back. A redelivered task decides again and queues the same send ids, and
 * customers whose send is already in their contact history are left alone: nothing goes twice.
 */
export async function runLaunchTask(deps: LaunchDeps, task: LaunchTask): Promise<TaskReport> {
  const campaign = await deps.campaigns.get(task.shopId, task.campaignId);
  const shop = await deps.shops.getShop(task.shopId);
  if (!campaign || campaign.status === 'cancelled' || !shop)
    return { task: describe(task), outcome: 'skipped' };
  const now = deps.clock();
  const run = await runOf(deps, shop, campaign, task.occurrence, new Date(task.startedAt));
  let members: AudienceMember[];
  if ('customers' in task.page) members = task.page.customers;
  else {
    const page = await audiencePage(deps, shop, campaign, { limit: pageSize, cursor: task.page.cursor }, now);
    if (page.cursor)
      await deps.queue.enqueue([{ ...task, page: { cursor: page.cursor, number: task.page.number + 1 } }]);
    members = page.members;
  }
  const customers = await customersOf(deps, shop, members, now);
  const counts = emptyCounts();
  const requests: SendRequest[] = [];
  const deferred = new Map<string, AudienceMember[]>();
  let alreadyQueued = 0;
  for (const customer of customers) {
    const t: Treatment = planCustomer(run, customer, now);
    const sendId = t.outcome === 'defer' ? t.sendId : t.request.sendId;
    if (customer.sent.some((s) => s.sendId === sendId)) {
      alreadyQueued += 1;
      continue;
    }
    count(counts, t);
    if (t.outcome === 'defer') {
      const member = members.find((m) => m.customerId === customer.input.customerId) as AudienceMember;
      deferred.set(t.until, [...(deferred.get(t.until) ?? []), member]);
    } else requests.push(t.request);
  }
  // Queued first, noted after: a crash between the two re-queues the same ids, never loses a send.
  await deps.sends.enqueue(requests);
  await Promise.all(
    requests
      .filter((r) => !r.withheld)
      .map((r) =>
        deps.contacts.record(task.shopId, r.intent.customerId, { ...contactOf(r), sendId: r.sendId }),
      ),
  );
  for (const [until, waiting] of deferred) {
    const deferral: Deferral = {
      shopId: task.shopId,
      campaignId: task.campaignId,
      occurrence: task.occurrence,
      startedAt: task.startedAt,
      until,
      customers: waiting,
    };
    await deps.campaigns.putDeferral(deferral);
  }
  return {
    task: describe(task),
    outcome: 'done',
    counts,
    alreadyQueued,
    gone: members.length - customers.length,
  };
}

/** The most audience pages an estimate reads before it answers with what it has (`complete: false`). */
export const estimatePageLimit = 200;

export interface CampaignEstimate extends TreatmentCounts {
  asOf: string;
  /** False when the audience was larger than an estimate reads: the counts are of the first part. */
  complete: boolean;
}

/**
 * The audience after the contact policy, before anything is sent: every member planned as the run
 * would at `at`, counted by outcome and reason. Reads, never writes.
 */
export async function estimateCampaign(
  deps: ReadDeps,
  shop: ShopSettings,
  campaign: Campaign,
  at: Date,
): Promise<CampaignEstimate> {
  const run = await runOf(deps, shop, campaign, 'estimate', at);
  const counts = emptyCounts();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await audiencePage(deps, shop, campaign, { limit: pageSize, cursor }, at);
    for (const customer of await customersOf(deps, shop, page.members, at))
      count(counts, planCustomer(run, customer, at));
    cursor = page.cursor;
    pages += 1;
  } while (cursor && pages < estimatePageLimit);
  return { asOf: at.toISOString(), complete: !cursor, ...counts };
}
