import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredProfile } from '../../domain/customers/change.js';
import type { ErasureStore, Tombstone } from '../../ports/customers/erasure-store.js';
import { batchDelete, queryAll } from './batch.js';
import { customerPk, identityPk, keys } from './keys.js';

export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Tombstone first, profile last: a crash part-way leaves the profile in place, so the retried
   * DELETE finds it and finishes; the tombstone's id is derived, so the retry rewrites the same one.
   * Everything personal lives in the partitions of the customer's ids and identities: events,
   * archived orders, merges, links. Those partitions go whole.
   */
  async erase(shopId: string, live: StoredProfile, tombstone: Tombstone): Promise<void> {
    const { profile } = live;
    const tombstoneId = createHash('sha256')
      .update(`${shopId}\u0000${profile.customerId}\u0000${profile.createdAt}`)
      .digest('hex')
      .slice(0, 32);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.tombstone(shopId, tombstoneId), ...tombstone },
      }),
    );
    const partitions = [
      ...[profile.customerId, ...profile.mergedFrom].map((id) => customerPk(shopId, id)),
      ...live.identities.map((identity) => identityPk(shopId, identity)),
    ];
    const doomed = (await Promise.all(partitions.map((pk) => this.keysOf(pk)))).flat();
    const profileKey = keys.customer(shopId, profile.customerId);
    const memberships = profile.segments.map((id) => keys.segmentMember(shopId, id, profile.customerId));
    await batchDelete(this.doc, this.tableName, [
      ...doomed.filter((k) => k.pk !== profileKey.pk || k.sk !== profileKey.sk),
      ...memberships,
    ]);
    await batchDelete(this.doc, this.tableName, [profileKey]);
  }

  private async keysOf(pk: string): Promise<Array<{ pk: string; sk: string }>> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
    });
    return items as Array<{ pk: string; sk: string }>;
  }
}
