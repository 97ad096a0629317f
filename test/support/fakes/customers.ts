import { createHash } from 'node:crypto';
import { customerPk, identityPk, keyPrefixes, keys } from '../../../shared/adapters/dynamodb/keys.js';
import type { CommitPlan, StoredProfile } from '../../../shared/domain/customers/change.js';
import type { StoredEvent } from '../../../shared/domain/customers/events.js';
import { identityKey } from '../../../shared/domain/customers/identity.js';
import type { OrderFacts } from '../../../shared/domain/customers/profile.js';
import type { ErasureStore, Tombstone } from '../../../shared/ports/customers/erasure-store.js';
import type { AppendResult, EventOwners, EventStore } from '../../../shared/ports/customers/event-store.js';
import type { CommitResult, ProfileStore } from '../../../shared/ports/customers/profile-store.js';
import { copy, Faults } from './faults.js';
import type { FakeTable } from './table.js';

/** DynamoDB's limit on one transaction, which the adapter fills before writing the rest apart. */
const maxTransactItems = 100;

/**
 * The profile store of DynamoProfileStore, condition for condition: a new profile only where none
 * is, an existing one only at the version read and not merged away, an identity link only where it
 * is free or held by an allowed holder. A plan that is not `atomic` is written step by step (archived
 * orders, then links, then the profile), so a conflict can leave links and archived copies behind,
 * as it can in DynamoDB; an atomic plan is all or nothing.
 */
export class FakeProfileStore implements ProfileStore {
  readonly faults = new Faults<'commit' | 'read'>();
  /** Every plan handed to `commit`, in order. */
  readonly attempts: CommitPlan[] = [];
  /** The plans that were written. */
  readonly commits: CommitPlan[] = [];
  /** Runs at the start of each commit: a test's concurrent writer, or a crash for some customers. */
  beforeCommit?: (plan: CommitPlan) => void | Promise<void>;
  private conflicts = 0;

  constructor(
    private readonly table: FakeTable,
    private readonly clock: () => Date,
  ) {}

  /** The next `n` commits lose a race they never see: they write nothing and report a conflict. */
  conflictNextCommits(n = 1): void {
    this.conflicts += n;
  }

  /** The next `n` commits crash before writing anything. */
  failNextCommits(n = 1, error?: Error): void {
    this.faults.failNext('commit', n, error);
  }

  commitsFor(customerId: string): number {
    return this.commits.filter((p) => p.profile.customerId === customerId).length;
  }

  async findOwners(shopId: string, identities: string[]): Promise<Map<string, string>> {
    this.faults.check('read');
    const out = new Map<string, string>();
    for (const identity of identities) {
      const link = this.table.get(keys.identity(shopId, identity), 'identity');
      if (link) out.set(identity, link.customerId);
    }
    return out;
  }

  async getProfiles(shopId: string, customerIds: string[]): Promise<Map<string, StoredProfile>> {
    this.faults.check('read');
    const out = new Map<string, StoredProfile>();
    for (const id of customerIds) {
      const item = this.table.get(keys.customer(shopId, id), 'profile');
      if (item) out.set(id, item.stored);
    }
    return out;
  }

  async getArchivedOrders(
    shopId: string,
    wanted: Array<{ customerId: string; orderId: string }>,
  ): Promise<Map<string, Map<string, OrderFacts>>> {
    this.faults.check('read');
    const out = new Map<string, Map<string, OrderFacts>>();
    for (const { customerId, orderId } of wanted) {
      const item = this.table.get(keys.archivedOrder(shopId, customerId, orderId), 'archivedOrder');
      if (!item) continue;
      out.set(customerId, (out.get(customerId) ?? new Map()).set(orderId, item.facts));
    }
    return out;
  }

  async commit(plan: CommitPlan): Promise<CommitResult> {
    this.attempts.push(copy(plan));
    await this.beforeCommit?.(plan);
    this.faults.check('commit');
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      return { status: 'conflict' };
    }
    const { shopId, customerId } = plan.profile;
    const now = this.clock().toISOString();
    const profileKey = keys.customer(shopId, customerId);
    const current = this.table.get(profileKey, 'profile')?.stored;
    const profileFree =
      plan.expectedVersion === null
        ? !this.table.has(profileKey)
        : current?.version === plan.expectedVersion && !current.mergedInto;
    const linkFree = (identity: string) => {
      const link = this.table.get(keys.identity(shopId, identity), 'identity');
      return !link || plan.identityHolders.includes(link.customerId);
    };
    const writeProfile = () =>
      this.table.put(profileKey, {
        type: 'profile',
        stored: {
          profile: plan.profile,
          version: (plan.expectedVersion ?? 0) + 1,
          identities: plan.identities,
          applied: plan.applied,
          outbox: plan.emitted,
        },
      });
    const writeLink = (identity: string) =>
      this.table.put(keys.identity(shopId, identity), { type: 'identity', customerId });
    const writeArchived = (order: CommitPlan['archivedOrders'][number]) =>
      this.table.put(keys.archivedOrder(shopId, customerId, order.orderId), {
        type: 'archivedOrder',
        customerId,
        orderId: order.orderId,
        facts: order.facts,
      });

    const writeEvent = (event: StoredEvent) => this.table.put(eventKey(event), { type: 'event', event });
    // The outbox of the profile as read is written again first, as the adapter does.
    plan.flush.forEach(writeEvent);
    if (!plan.atomic) {
      // Archived copies first, then each link on its own condition, then the profile on its own,
      // then what it emitted.
      plan.archivedOrders.forEach(writeArchived);
      let linked = true;
      for (const identity of plan.newIdentities) {
        if (linkFree(identity)) writeLink(identity);
        else linked = false;
      }
      if (!linked || !profileFree) return { status: 'conflict' };
      writeProfile();
      plan.emitted.forEach(writeEvent);
      this.commits.push(copy(plan));
      return { status: 'committed' };
    }

    const mergedOk = plan.merged.every((m) => {
      const other = this.table.get(keys.customer(shopId, m.customerId), 'profile')?.stored;
      return other?.version === m.expectedVersion && !other.mergedInto;
    });
    // Archived orders past the transaction's limit go first as plain puts, whatever follows.
    const itemsBefore =
      1 +
      plan.newIdentities.length +
      plan.merged.reduce((n, m) => n + 2 + m.segments.length, 0) +
      plan.emitted.length +
      (plan.memberships?.joined.length ?? 0) +
      (plan.memberships?.left.length ?? 0);
    const inside = plan.archivedOrders.slice(0, Math.max(0, maxTransactItems - itemsBefore));
    plan.archivedOrders.slice(inside.length).forEach(writeArchived);
    if (!profileFree || !plan.newIdentities.every(linkFree) || !mergedOk) return { status: 'conflict' };
    writeProfile();
    plan.newIdentities.forEach(writeLink);
    for (const m of plan.merged) {
      const key = keys.customer(shopId, m.customerId);
      const other = this.table.get(key, 'profile')?.stored as StoredProfile;
      this.table.put(key, {
        type: 'profile',
        stored: { ...other, mergedInto: customerId, version: other.version + 1 },
      });
      this.table.put(keys.merge(shopId, customerId, now, m.customerId), {
        type: 'merge',
        mergedId: m.customerId,
        at: now,
      });
      for (const id of m.segments) this.table.delete(keys.segmentMember(shopId, id, m.customerId));
    }
    plan.emitted.forEach(writeEvent);
    for (const id of plan.memberships?.joined ?? [])
      this.table.put(keys.segmentMember(shopId, id, customerId), { type: 'member' });
    for (const id of plan.memberships?.left ?? [])
      this.table.delete(keys.segmentMember(shopId, id, customerId));
    inside.forEach(writeArchived);
    this.commits.push(copy(plan));
    return { status: 'committed' };
  }
}

/** Where an event is filed: under the customer id it names, else its phone, else its email. */
function eventKey(event: StoredEvent) {
  const owner = event.customerId
    ? { customerId: event.customerId }
    : {
        identity: identityKey({
          kind: event.phone ? 'phone' : 'email',
          value: (event.phone ?? event.email) as string,
        }),
      };
  return keys.event(event.shopId, owner, event.occurredAt, event.id);
}

/**
 * The event store of DynamoEventStore. An event is one item at (owner, occurredAt, id): `append`
 * skips those stored already and counts them as duplicates; `appendApplied` overwrites, marked so
 * the stream leaves them be. Browsing expiry (TTL) is not modelled: nothing here expires.
 */
export class FakeEventStore implements EventStore {
  readonly faults = new Faults<'append' | 'appendApplied' | 'stored' | 'timeline'>();

  constructor(private readonly table: FakeTable) {}

  async append(events: StoredEvent[]): Promise<AppendResult> {
    this.faults.check('append');
    const stored = await this.stored(events);
    const fresh = events.filter((e) => !stored.has(e.id));
    for (const event of fresh) this.table.put(eventKey(event), { type: 'event', event });
    return { accepted: fresh.length, duplicates: events.length - fresh.length };
  }

  async appendApplied(events: StoredEvent[]): Promise<void> {
    this.faults.check('appendApplied');
    for (const event of events)
      this.table.put(eventKey(event), { type: 'event', event, appliedBy: 'import' });
  }

  async stored(events: StoredEvent[]): Promise<Set<string>> {
    this.faults.check('stored');
    return new Set(events.filter((e) => this.table.has(eventKey(e))).map((e) => e.id));
  }

  async timeline(shopId: string, owners: EventOwners, limit: number): Promise<StoredEvent[]> {
    this.faults.check('timeline');
    const partitions = [
      ...owners.customerIds.map((id) => customerPk(shopId, id)),
      ...owners.identities.map((i) => identityPk(shopId, i)),
    ];
    return partitions
      .flatMap((pk) => this.table.query(pk, keyPrefixes.event))
      .flatMap(({ item }) => (item.type === 'event' ? [item.event] : []))
      .sort((a, b) =>
        a.occurredAt < b.occurredAt ? 1 : a.occurredAt > b.occurredAt ? -1 : a.id < b.id ? 1 : -1,
      )
      .slice(0, limit);
  }

  /** Every event stored for the shop, for assertions. */
  all(shopId: string): Array<{ event: StoredEvent; appliedBy?: string }> {
    return this.table
      .scan(`SHOP#${shopId}#`)
      .flatMap(({ item }) =>
        item.type === 'event' ? [{ event: item.event, appliedBy: item.appliedBy }] : [],
      );
  }
}

/**
 * The erasure store of DynamoErasureStore: tombstone first (at an id derived from the customer, so
 * a retry rewrites it), then the partitions of the customer's ids and identities, the profile last.
 */
export class FakeErasureStore implements ErasureStore {
  readonly faults = new Faults<'erase'>();

  constructor(private readonly table: FakeTable) {}

  async erase(shopId: string, live: StoredProfile, tombstone: Tombstone): Promise<void> {
    this.faults.check('erase');
    const { profile } = live;
    this.table.put(keys.tombstone(shopId, tombstoneIdOf(shopId, profile.customerId, profile.createdAt)), {
      type: 'tombstone',
      tombstone,
    });
    const profileKey = keys.customer(shopId, profile.customerId);
    const partitions = [
      ...[profile.customerId, ...profile.mergedFrom].map((id) => customerPk(shopId, id)),
      ...live.identities.map((identity) => identityPk(shopId, identity)),
    ];
    for (const pk of partitions)
      for (const { sk } of this.table.query(pk))
        if (pk !== profileKey.pk || sk !== profileKey.sk) this.table.delete({ pk, sk });
    for (const id of profile.segments) this.table.delete(keys.segmentMember(shopId, id, profile.customerId));
    this.table.delete(profileKey);
  }

  tombstones(shopId: string): Tombstone[] {
    return this.table
      .scan(`SHOP#${shopId}#TOMBSTONE#`)
      .flatMap(({ item }) => (item.type === 'tombstone' ? [item.tombstone] : []));
  }
}

function tombstoneIdOf(shopId: string, customerId: string, createdAt: string): string {
  return createHash('sha256')
    .update(`${shopId}\u0000${customerId}\u0000${createdAt}`)
    .digest('hex')
    .slice(0, 32);
}
