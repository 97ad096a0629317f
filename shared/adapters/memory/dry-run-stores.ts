import type { CommitPlan, StoredProfile } from '../../domain/customers/change.js';
import type { StoredEvent } from '../../domain/customers/events.js';
import type { OrderFacts } from '../../domain/customers/profile.js';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import type { SendRequest } from '../../domain/sending/send-request.js';
import type { CommitResult, ProfileStore } from '../../ports/customers/profile-store.js';
import type { DueIndex, DuePointer } from '../../ports/journeys/due-index.js';
import type { InstanceRecord, JourneyInstanceStore } from '../../ports/journeys/instance-store.js';
import type { JourneyHead, JourneyStore } from '../../ports/journeys/journey-store.js';
import type { JourneyRateCounter } from '../../ports/journeys/rate-counter.js';
import type { SendRequestQueue } from '../../ports/sending/send-queue.js';
import type { ContactLog, QueuedContact } from '../../ports/sending/send-records.js';
import { dueMinuteOf } from '../dynamodb/keys.js';

/**
 * Stores held in memory for one dry run (POST /v1/simulate): the journey runtime runs on them as it
 * runs on DynamoDB, for one shop, and nothing reaches the table or the send queue. Each keeps the
 * semantics the runtime relies on (versions and revisions checked, a pointer or a contact written
 * twice is one), none of the scale.
 */

const clone = <T>(value: T): T => structuredClone(value);

/** Profiles, identity links and archived orders of the shop; what commits emit is kept for the run to feed on. */
export class DryRunProfiles implements ProfileStore {
  private readonly profiles = new Map<string, StoredProfile>();
  private readonly owners = new Map<string, string>();
  private readonly archived = new Map<string, OrderFacts>();
  private emitted: StoredEvent[] = [];

  async findOwners(_shopId: string, identities: string[]): Promise<Map<string, string>> {
    return new Map(
      identities.flatMap((i) => (this.owners.has(i) ? [[i, this.owners.get(i) as string]] : [])),
    );
  }

  async getProfiles(_shopId: string, customerIds: string[]): Promise<Map<string, StoredProfile>> {
    return new Map(
      customerIds.flatMap((id) =>
        this.profiles.has(id) ? [[id, clone(this.profiles.get(id) as StoredProfile)]] : [],
      ),
    );
  }

  async getArchivedOrders(
    _shopId: string,
    wanted: Array<{ customerId: string; orderId: string }>,
  ): Promise<Map<string, Map<string, OrderFacts>>> {
    const out = new Map<string, Map<string, OrderFacts>>();
    for (const { customerId, orderId } of wanted) {
      const facts = this.archived.get(`${customerId}|${orderId}`);
      if (facts) out.set(customerId, (out.get(customerId) ?? new Map()).set(orderId, clone(facts)));
    }
    return out;
  }

  async commit(plan: CommitPlan): Promise<CommitResult> {
    const { customerId } = plan.profile;
    const current = this.profiles.get(customerId);
    const free =
      plan.expectedVersion === null
        ? !current
        : current?.version === plan.expectedVersion && !current.mergedInto;
    const linked = plan.newIdentities.every((i) => {
      const owner = this.owners.get(i);
      return !owner || plan.identityHolders.includes(owner);
    });
    const merged = plan.merged.every((m) => this.profiles.get(m.customerId)?.version === m.expectedVersion);
    if (!free || !linked || !merged) return { status: 'conflict' };
    this.profiles.set(customerId, {
      profile: clone(plan.profile),
      version: (plan.expectedVersion ?? 0) + 1,
      identities: [...plan.identities],
      applied: clone(plan.applied),
      outbox: [],
    });
    for (const i of plan.newIdentities) this.owners.set(i, customerId);
    for (const m of plan.merged) {
      const other = this.profiles.get(m.customerId) as StoredProfile;
      this.profiles.set(m.customerId, { ...other, mergedInto: customerId, version: other.version + 1 });
    }
    for (const order of plan.archivedOrders)
      this.archived.set(`${customerId}|${order.orderId}`, clone(order.facts));
    // Emitted once here: the run hands them to journeys as the stream hands over new event items.
    this.emitted.push(...clone(plan.emitted));
    return { status: 'committed' };
  }

  /** Events commits emitted since the last call (tier_changed, …). */
  takeEmitted(): StoredEvent[] {
    const out = this.emitted;
    this.emitted = [];
    return out;
  }
}

/** One journey definition, as the run was asked to play it; a dry run stores nothing. */
export class DryRunJourneys implements JourneyStore {
  constructor(
    private readonly definition: JourneyDefinition,
    /** Codes made with it are shown, never valid at the shop: the shop's real secret is not used. */
    private readonly secret = 'dry-run-coupon-secret-not-for-orders',
  ) {}

  async heads(): Promise<JourneyHead[]> {
    return [];
  }

  async head(): Promise<JourneyHead | null> {
    return null;
  }

  async version(_shopId: string, journeyId: string, version: number): Promise<JourneyDefinition | null> {
    const d = this.definition;
    return d.id === journeyId && d.version === version ? d : null;
  }

  async putHead(): Promise<boolean> {
    throw new Error('a dry run stores no journey');
  }

  async couponSecret(): Promise<string> {
    return this.secret;
  }
}

export class DryRunInstances implements JourneyInstanceStore {
  private readonly records = new Map<string, InstanceRecord>();

  async ofCustomer(_shopId: string, customerId: string): Promise<InstanceRecord[]> {
    return [...this.records.values()].filter((r) => r.instance.customerId === customerId).map(clone);
  }

  async save(_shopId: string, record: InstanceRecord): Promise<boolean> {
    const key = `${record.instance.customerId}|${record.instance.instanceId}`;
    if ((this.records.get(key)?.rev ?? 0) !== record.rev) return false;
    this.records.set(key, clone({ ...record, rev: record.rev + 1 }));
    return true;
  }

  all(): InstanceRecord[] {
    return [...this.records.values()].map(clone);
  }
}

/** Pointers by their due minute (the boundary at or after their instant), as the due index files them. */
export class DryRunDue implements Pick<DueIndex, 'add' | 'remove'> {
  private readonly pointers = new Map<string, DuePointer>();

  private key(p: DuePointer): string {
    const ref = p.ref.kind === 'wake' ? p.ref.instanceId : p.ref.kind === 'date' ? p.ref.journeyId : '';
    return `${p.customerId}|${p.ref.kind}:${ref}|${p.at}`;
  }

  async add(pointers: DuePointer[]): Promise<void> {
    for (const p of pointers) this.pointers.set(this.key(p), clone(p));
  }

  async remove(pointers: DuePointer[]): Promise<void> {
    for (const p of pointers) this.pointers.delete(this.key(p));
  }

  /** The earliest due minute's start, or null: nothing pending. */
  nextDue(): Date | null {
    const minutes = [...this.pointers.values()].map((p) => dueMinuteOf(p.at)).sort();
    return minutes[0] ? new Date(`${minutes[0]}:00.000Z`) : null;
  }

  /** Takes the pointers the tick of `minute` (its start) runs: every one due at or before it, oldest first. */
  takeDue(minute: Date): DuePointer[] {
    const through = dueMinuteOf(minute);
    const due = [...this.pointers.entries()]
      .filter(([, p]) => dueMinuteOf(p.at) <= through)
      .sort(([, a], [, b]) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const [key] of due) this.pointers.delete(key);
    return due.map(([, p]) => p);
  }
}

export class DryRunSends implements SendRequestQueue {
  private queued: SendRequest[] = [];

  async enqueue(requests: SendRequest[]): Promise<void> {
    this.queued.push(...clone(requests));
  }

  take(): SendRequest[] {
    const out = this.queued;
    this.queued = [];
    return out;
  }
}

export class DryRunContacts implements ContactLog {
  private readonly log = new Map<string, QueuedContact[]>();

  async sentSince(_shopId: string, customerId: string, since: string): Promise<QueuedContact[]> {
    return (this.log.get(customerId) ?? []).filter((c) => c.at >= since).map(clone);
  }

  async record(_shopId: string, customerId: string, contact: QueuedContact): Promise<void> {
    const list = this.log.get(customerId) ?? [];
    if (!list.some((c) => c.sendId === contact.sendId)) this.log.set(customerId, [...list, clone(contact)]);
  }
}

export class DryRunRateCounter implements JourneyRateCounter {
  private readonly counts = new Map<string, number>();

  async claim(_shopId: string, journeyId: string, minute: string, counter: number): Promise<number> {
    const key = `${journeyId}|${minute}|${counter}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }
}

/** A fresh set for one run. */
export function dryRunStores(definition: JourneyDefinition) {
  return {
    profiles: new DryRunProfiles(),
    journeys: new DryRunJourneys(definition),
    instances: new DryRunInstances(),
    due: new DryRunDue(),
    sends: new DryRunSends(),
    contacts: new DryRunContacts(),
    rates: new DryRunRateCounter(),
  };
}
export type DryRunStores = ReturnType<typeof dryRunStores>;
