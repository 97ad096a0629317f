import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { IdentityKey } from '../../domain/customers/identity.js';
import type { Profile } from '../../domain/customers/profile.js';
import {
  type CommitResult,
  identityKey,
  type ProfileCommit,
  type ProfileStore,
  type StoredProfile,
} from '../../ports/customers/profile-store.js';
import { batchGet } from './batch.js';
import { eventItem } from './event-store.js';
import { keys } from './keys.js';

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

export function profileFromItem(item: Record<string, unknown>): StoredProfile {
  const profile: Profile = {
    shopId: item.shopId as string,
    customerId: item.customerId as string,
    createdAt: item.createdAt as string,
    traits: (item.traits ?? {}) as Profile['traits'],
    activity: item.activity as Profile['activity'],
    stats: item.stats as Profile['stats'],
    tier: (item.tier ?? null) as string | null,
    segments: (item.segments ?? []) as string[],
    mergedFrom: (item.mergedFrom ?? []) as string[],
  };
  return {
    profile,
    version: item.version as number,
    identities: (item.identities ?? []) as string[],
    mergedInto: item.mergedInto as string | undefined,
    erasedAt: item.erasedAt as string | undefined,
  };
}

export function profileItem(stored: StoredProfile, updatedAt: string): Record<string, unknown> {
  const { profile } = stored;
  return {
    ...keys.profile(profile.shopId, profile.customerId),
    // A merged-away or erased customer leaves the audience index.
    ...(stored.mergedInto || stored.erasedAt
      ? {}
      : keys.value(profile.shopId, profile.customerId, profile.stats.averageOrderValue)),
    ...profile,
    version: stored.version,
    identities: stored.identities,
    mergedInto: stored.mergedInto,
    erasedAt: stored.erasedAt,
    updatedAt,
  };
}

export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date,
  ) {}

  async findIdentities(shopId: string, identities: IdentityKey[]): Promise<Map<string, string>> {
    const items = await batchGet(
      this.doc,
      this.tableName,
      identities.map((i) => keys.identity(shopId, identityKey(i))),
    );
    return new Map(items.map((item) => [item.identity as string, item.customerId as string]));
  }

  async getProfiles(shopId: string, customerIds: string[]): Promise<Map<string, StoredProfile>> {
    const items = await batchGet(
      this.doc,
      this.tableName,
      customerIds.map((id) => keys.profile(shopId, id)),
    );
    return new Map(items.map((item) => [item.customerId as string, profileFromItem(item)]));
  }

  async commit(commit: ProfileCommit): Promise<CommitResult> {
    const { profile } = commit;
    const shopId = profile.shopId;
    const now = this.clock().toISOString();
    const version = (commit.expectedVersion ?? 0) + 1;
    const items: TransactItem[] = [];
    items.push({
      Put: {
        TableName: this.tableName,
        Item: profileItem({ profile, version, identities: commit.identities }, now),
        ConditionExpression:
          commit.expectedVersion === null
            ? 'attribute_not_exists(pk)'
            : 'version = :v AND attribute_not_exists(mergedInto)',
        ExpressionAttributeValues:
          commit.expectedVersion === null ? undefined : { ':v': commit.expectedVersion },
      },
    });
    const owners = [profile.customerId, ...commit.merged.map((m) => m.customerId)];
    for (const merged of commit.merged) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.profile(shopId, merged.customerId),
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
      });
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.merge(shopId, profile.customerId, now, merged.customerId),
            mergedId: merged.customerId,
            at: now,
          },
        },
      });
    }
    for (const identity of commit.newIdentities) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.identity(shopId, identity), shopId, identity, customerId: profile.customerId },
          // Never steal an identity another customer took meanwhile; that is a conflict to re-resolve.
          ConditionExpression: `attribute_not_exists(pk) OR customerId IN (${owners.map((_, i) => `:o${i}`).join(', ')})`,
          ExpressionAttributeValues: Object.fromEntries(owners.map((o, i) => [`:o${i}`, o])),
        },
      });
    }
    const eventIndex = items.length;
    for (const event of commit.appliedEvents) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.event(shopId, event.id),
          UpdateExpression: 'SET appliedAt = :now, customerId = :c, gsi1pk = :g1pk, gsi1sk = :g1sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(appliedAt)',
          ExpressionAttributeValues: {
            ':now': now,
            ':c': profile.customerId,
            ...Object.fromEntries(
              Object.entries(keys.timeline(shopId, profile.customerId, event.occurredAt, event.id)).map(
                ([k, v]) => [`:${k.replace('gsi1', 'g1')}`, v],
              ),
            ),
          },
        },
      });
    }
    for (const event of commit.emitted) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: eventItem(event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { status: 'committed' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const applied = commit.appliedEvents.filter(
        (_, i) => reasons[eventIndex + i]?.Code === 'ConditionalCheckFailed',
      );
      if (applied.length > 0) return { status: 'already-applied', eventIds: applied.map((e) => e.id) };
      return { status: 'conflict' };
    }
  }
}
