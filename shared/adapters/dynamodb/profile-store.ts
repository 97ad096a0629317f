import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AppliedEvents } from '../../domain/customers/applied.js';
import type { CommitPlan, StoredProfile } from '../../domain/customers/change.js';
import type { StoredEvent } from '../../domain/customers/events.js';
import type { Activity, ArchivedOrder, OrderFacts, Profile } from '../../domain/customers/profile.js';
import type { CommitResult, ProfileStore } from '../../ports/customers/profile-store.js';
import { batchGet, batchPut, isConditionFailure } from './batch.js';
import { eventItem } from './event-store.js';
import { keys } from './keys.js';
import { packJson, unpackJson } from './packed.js';

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/**
 * The profile item. What events keep (activity) and which events it holds (applied) travel as one
 * deflated JSON attribute: they are read and written whole, never queried, and compressed they
 * keep the item, and so every write of it, near one write unit.
 */
function packState(activity: Activity, applied: AppliedEvents, outbox: StoredEvent[]): Uint8Array {
  return packJson(outbox.length > 0 ? { activity, applied, outbox } : { activity, applied });
}

function unpackState(state: unknown): { activity: Activity; applied: AppliedEvents; outbox?: StoredEvent[] } {
  return unpackJson(state);
}

export function profileFromItem(item: Record<string, unknown>): StoredProfile {
  const { activity, applied, outbox } = unpackState(item.state);
  const profile: Profile = {
    shopId: item.shopId as string,
    customerId: item.customerId as string,
    createdAt: item.createdAt as string,
    traits: (item.traits ?? {}) as Profile['traits'],
    activity,
    tier: (item.tier ?? null) as string | null,
    segments: (item.segments ?? []) as string[],
    mergedFrom: (item.mergedFrom ?? []) as string[],
  };
  return {
    profile,
    version: item.version as number,
    identities: (item.identities ?? []) as string[],
    mergedInto: item.mergedInto as string | undefined,
    applied,
    outbox: outbox ?? [],
  };
}

/** `averageOrderValue` (minor units) places the customer in the customers index. */
export function profileItem(
  stored: StoredProfile,
  averageOrderValue: number,
  updatedAt: string,
): Record<string, unknown> {
  const { profile } = stored;
  return {
    ...keys.customer(profile.shopId, profile.customerId),
    // A merged-away customer leaves the customers index.
    ...(stored.mergedInto ? {} : keys.value(profile.shopId, profile.customerId, averageOrderValue)),
    shopId: profile.shopId,
    customerId: profile.customerId,
    createdAt: profile.createdAt,
    traits: Object.keys(profile.traits).length > 0 ? profile.traits : undefined,
    tier: profile.tier ?? undefined,
    segments: profile.segments.length > 0 ? profile.segments : undefined,
    mergedFrom: profile.mergedFrom.length > 0 ? profile.mergedFrom : undefined,
    identities: stored.identities.length > 0 ? stored.identities : undefined,
    version: stored.version,
    mergedInto: stored.mergedInto,
    state: packState(profile.activity, stored.applied, stored.outbox),
    updatedAt,
  };
}

function archivedOrderItem(
  shopId: string,
  customerId: string,
  order: ArchivedOrder,
): Record<string, unknown> {
  return {
    ...keys.archivedOrder(shopId, customerId, order.orderId),
    customerId,
    orderId: order.orderId,
    ...order.facts,
  };
}

const maxTransactItems = 100;

export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date,
  ) {}

  async findOwners(shopId: string, identities: string[]): Promise<Map<string, string>> {
    const items = await batchGet(
      this.doc,
      this.tableName,
      identities.map((i) => keys.identity(shopId, i)),
    );
    return new Map(items.map((item) => [item.identity as string, item.customerId as string]));
  }

  async getProfiles(shopId: string, customerIds: string[]): Promise<Map<string, StoredProfile>> {
    const items = await batchGet(
      this.doc,
      this.tableName,
      customerIds.map((id) => keys.customer(shopId, id)),
    );
    return new Map(items.map((item) => [item.customerId as string, profileFromItem(item)]));
  }

  async getArchivedOrders(
    shopId: string,
    wanted: Array<{ customerId: string; orderId: string }>,
  ): Promise<Map<string, Map<string, OrderFacts>>> {
    const items = await batchGet(
      this.doc,
      this.tableName,
      wanted.map((w) => keys.archivedOrder(shopId, w.customerId, w.orderId)),
    );
    const out = new Map<string, Map<string, OrderFacts>>();
    for (const item of items) {
      const { pk: _pk, sk: _sk, customerId, orderId, ...facts } = item;
      const orders = out.get(customerId as string) ?? new Map<string, OrderFacts>();
      orders.set(orderId as string, facts as unknown as OrderFacts);
      out.set(customerId as string, orders);
    }
    return out;
  }

  /**
   * Most commits are one conditional put of the profile. Links to identities the customer did not
   * have yet go first, each conditional on being free (or the customer's, or an orphan's); orders moved
   * out go first too, as plain puts: until the profile is written they are copies nobody reads. Emitted
   * events follow the profile, which keeps them in its outbox until the next commit writes them again.
   * Merges and late changes to archived orders need several items to change at once: those commits
   * are one transaction.
   */
  async commit(plan: CommitPlan): Promise<CommitResult> {
    const { profile } = plan;
    const now = this.clock().toISOString();
    const version = (plan.expectedVersion ?? 0) + 1;
    const item = profileItem(
      { profile, version, identities: plan.identities, applied: plan.applied, outbox: plan.emitted },
      plan.stats.averageOrderValue,
      now,
    );
    const put = {
      TableName: this.tableName,
      Item: item,
      ConditionExpression:
        plan.expectedVersion === null
          ? 'attribute_not_exists(pk)'
          : 'version = :v AND attribute_not_exists(mergedInto)',
      ExpressionAttributeValues: plan.expectedVersion === null ? undefined : { ':v': plan.expectedVersion },
    };
    const archived = plan.archivedOrders.map((o) => archivedOrderItem(profile.shopId, profile.customerId, o));
    const identityPuts = plan.newIdentities.map((identity) => ({
      TableName: this.tableName,
      Item: { ...keys.identity(profile.shopId, identity), identity, customerId: profile.customerId },
      // Never steal an identity another customer took meanwhile; that is a conflict to re-resolve.
      ConditionExpression: `attribute_not_exists(pk) OR customerId IN (${plan.identityHolders.map((_, i) => `:o${i}`).join(', ')})`,
      ExpressionAttributeValues: Object.fromEntries(plan.identityHolders.map((o, i) => [`:o${i}`, o])),
    }));
    try {
      // What the last change emitted is written again, in case that change died before writing it.
      const flushed = plan.flush.map((e) => eventItem(e));
      if (!plan.atomic) {
        if (archived.length + flushed.length > 0)
          await batchPut(this.doc, this.tableName, [...flushed, ...archived]);
        await Promise.all(identityPuts.map((p) => this.doc.send(new PutCommand(p))));
        await this.doc.send(new PutCommand(put));
        // Emitted after the profile that records them (its outbox): one write each, no transaction.
        if (plan.emitted.length > 0)
          await batchPut(
            this.doc,
            this.tableName,
            plan.emitted.map((e) => eventItem(e)),
          );
        return { status: 'committed' };
      }
      if (flushed.length > 0) await batchPut(this.doc, this.tableName, flushed);
      const items: TransactItem[] = [{ Put: put }, ...identityPuts.map((p) => ({ Put: p }))];
      for (const merged of plan.merged) {
        items.push(
          {
            Update: {
              TableName: this.tableName,
              Key: keys.customer(profile.shopId, merged.customerId),
              UpdateExpression:
                'SET mergedInto = :s, version = version + :one, updatedAt = :now REMOVE gsi2pk, gsi2sk',
              ConditionExpression: 'version = :v AND attribute_not_exists(mergedInto)',
              ExpressionAttributeValues: {
                ':s': profile.customerId,
                ':v': merged.expectedVersion,
                ':one': 1,
                ':now': now,
              },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.merge(profile.shopId, profile.customerId, now, merged.customerId),
                mergedId: merged.customerId,
                at: now,
              },
            },
          },
          // The merged-away customer leaves every segment listing with the index.
          ...merged.segments.map((id) => ({
            Delete: {
              TableName: this.tableName,
              Key: keys.segmentMember(profile.shopId, id, merged.customerId),
            },
          })),
        );
      }
      for (const event of plan.emitted)
        items.push({ Put: { TableName: this.tableName, Item: eventItem(event) } });
      for (const id of plan.memberships?.joined ?? [])
        items.push({
          Put: {
            TableName: this.tableName,
            Item: keys.segmentMember(profile.shopId, id, profile.customerId),
          },
        });
      for (const id of plan.memberships?.left ?? [])
        items.push({
          Delete: {
            TableName: this.tableName,
            Key: keys.segmentMember(profile.shopId, id, profile.customerId),
          },
        });
      // Orders moved out are plain copies until the profile says so; only a late change must go with it.
      const inside = archived.slice(0, maxTransactItems - items.length);
      const before = archived.slice(inside.length);
      if (before.length > 0) await batchPut(this.doc, this.tableName, before);
      items.push(...inside.map((Item) => ({ Put: { TableName: this.tableName, Item } })));
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { status: 'committed' };
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'conflict' };
      throw error;
    }
  }
}
