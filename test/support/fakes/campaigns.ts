import { deferralId } from '../../../shared/adapters/dynamodb/campaign-store.js';
import type { Campaign } from '../../../shared/domain/campaigns/campaign.js';
import type { SendRequest } from '../../../shared/domain/sending/send-request.js';
import type {
  CampaignQueue,
  CampaignStore,
  ContactHistory,
  CouponSecrets,
  Deferral,
  LaunchTask,
  QueuedContact,
} from '../../../shared/ports/campaigns/campaign-store.js';
import type { SendRequestQueue } from '../../../shared/ports/sending/send-queue.js';
import { copy, Faults } from './faults.js';

/**
 * The campaign store of DynamoCampaignStore: a campaign created once, replaced only at the version
 * read, its run pointer moved with it; the due index ordered by time; one deferral per id.
 */
export class FakeCampaignStore implements CampaignStore {
  private readonly campaigns = new Map<string, Campaign>();
  private readonly runs = new Map<string, { shopId: string; campaignId: string; runAt: string }>();
  private readonly deferrals = new Map<string, Deferral>();

  async create(c: Campaign): Promise<boolean> {
    const key = `${c.shopId}/${c.id}`;
    if (this.campaigns.has(key)) return false;
    this.campaigns.set(key, copy(c));
    if (c.nextRunAt)
      this.runs.set(`${c.nextRunAt}#${key}`, { shopId: c.shopId, campaignId: c.id, runAt: c.nextRunAt });
    return true;
  }

  async get(shopId: string, campaignId: string): Promise<Campaign | null> {
    const c = this.campaigns.get(`${shopId}/${campaignId}`);
    return c ? copy(c) : null;
  }

  async list(shopId: string): Promise<Campaign[]> {
    return [...this.campaigns.values()]
      .filter((c) => c.shopId === shopId)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .map(copy);
  }

  async replace(previous: Campaign, next: Campaign): Promise<boolean> {
    const key = `${previous.shopId}/${previous.id}`;
    if (this.campaigns.get(key)?.version !== previous.version) return false;
    this.campaigns.set(key, copy(next));
    if (previous.nextRunAt) this.runs.delete(`${previous.nextRunAt}#${key}`);
    if (next.nextRunAt)
      this.runs.set(`${next.nextRunAt}#${key}`, {
        shopId: next.shopId,
        campaignId: next.id,
        runAt: next.nextRunAt,
      });
    return true;
  }

  async dueRuns(at: string, limit: number) {
    return [...this.runs.entries()]
      .filter(([, r]) => r.runAt <= at)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([, r]) => ({ ...r }));
  }

  async dueDeferrals(at: string, limit: number): Promise<Deferral[]> {
    return [...this.deferrals.values()]
      .filter((d) => d.until <= at)
      .sort((a, b) => (a.until < b.until ? -1 : 1))
      .slice(0, limit)
      .map(copy);
  }

  async nextDueAfter(at: string): Promise<string | null> {
    const instants = [
      ...[...this.runs.values()].map((r) => r.runAt),
      ...[...this.deferrals.values()].map((d) => d.until),
    ];
    return instants.filter((t) => t > at).sort()[0] ?? null;
  }

  async putDeferral(d: Deferral): Promise<void> {
    this.deferrals.set(`${d.until}#${d.shopId}#${d.campaignId}#${deferralId(d)}`, copy(d));
  }

  async removeDeferral(d: Deferral): Promise<void> {
    this.deferrals.delete(`${d.until}#${d.shopId}#${d.campaignId}#${deferralId(d)}`);
  }

  allDeferrals(): Deferral[] {
    return [...this.deferrals.values()].map(copy);
  }
}

/** A queue that keeps what it was handed, for a test to deliver (again) by hand. */
export class FakeCampaignQueue implements CampaignQueue {
  readonly tasks: LaunchTask[] = [];

  async enqueue(tasks: LaunchTask[]): Promise<void> {
    this.tasks.push(...tasks.map(copy));
  }

  /** Takes every task queued so far. */
  take(): LaunchTask[] {
    return this.tasks.splice(0, this.tasks.length);
  }
}

/** The send queue: every request handed to it, in order (duplicates kept, as SQS would). */
export class FakeSendRequestQueue implements SendRequestQueue {
  readonly faults = new Faults<'enqueue'>();
  readonly requests: SendRequest[] = [];

  async enqueue(requests: SendRequest[]): Promise<void> {
    this.faults.check('enqueue');
    this.requests.push(...requests.map(copy));
  }
}

/** DynamoContactHistory: one mark per customer and send id, the first time kept. */
export class FakeContactHistory implements ContactHistory {
  private readonly marks = new Map<string, QueuedContact>();

  async sentSince(shopId: string, customerId: string, since: string): Promise<QueuedContact[]> {
    return [...this.marks.entries()]
      .filter(([key, m]) => key.startsWith(`${shopId}/${customerId}/`) && m.at >= since)
      .map(([, m]) => copy(m));
  }

  async record(shopId: string, customerId: string, contact: QueuedContact): Promise<void> {
    const key = `${shopId}/${customerId}/${contact.sendId}`;
    if (!this.marks.has(key)) this.marks.set(key, copy(contact));
  }
}

export class FakeCouponSecrets implements CouponSecrets {
  async secretOf(shopId: string): Promise<string> {
    return `secret-of-${shopId}-0123456789`;
  }
}
