import { createHash } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { chunk } from '../../domain/collections.js';
import type { StoredProfile } from '../../ports/customers/profile-store.js';
import type { ErasureStore } from '../../use-cases/customers/customers.js';
import { queryAll } from './batch.js';
import { customerPk, keys } from './keys.js';

export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Tombstone first, profile last: a crash part-way leaves the profile in place, so the retried
   * DELETE finds it and finishes; the tombstone's id is derived, so the retry rewrites the same one.
   */
  async erase(shopId: string, live: StoredProfile, at: string): Promise<void> {
    const { profile } = live;
    const tombstoneId = createHash('sha256')
      .update(`${shopId}\u0000${profile.customerId}\u0000${profile.createdAt}`)
      .digest('hex');
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `SHOP#${shopId}#TOMBSTONE#${tombstoneId.slice(0, 32)}`,
          sk: 'TOMBSTONE',
          erasedAt: at,
          tier: profile.tier,
          paidOrderCount: profile.stats.paidOrderCount,
          totalSpend: profile.stats.totalSpend,
          firstOrderAt: profile.stats.firstOrderAt,
          lastOrderAt: profile.stats.lastOrderAt,
        },
      }),
    );
    const owners = [profile.customerId, ...profile.mergedFrom];
    const doomed: Array<{ pk: string; sk: string }> = [];
    for (const owner of owners) {
      doomed.push(
        ...(await this.allKeys(
          { IndexName: 'byOwner', KeyConditionExpression: 'gsi1pk = :pk' },
          customerPk(shopId, owner),
        )),
      );
    }
    doomed.push(...live.identities.map((identity) => keys.identity(shopId, identity)));
    for (const owner of owners.slice(1)) doomed.push(keys.profile(shopId, owner));
    for (const owner of owners) {
      const own = await this.allKeys({ KeyConditionExpression: 'pk = :pk' }, customerPk(shopId, owner));
      doomed.push(...own.filter((k) => k.sk !== 'PROFILE'));
    }
    await this.deleteAll(doomed);
    await this.deleteAll([keys.profile(shopId, profile.customerId)]);
  }

  private async allKeys(
    query: { IndexName?: string; KeyConditionExpression: string },
    pk: string,
  ): Promise<Array<{ pk: string; sk: string }>> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      ...query,
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
    });
    return items as Array<{ pk: string; sk: string }>;
  }

  private async deleteAll(keyList: Array<{ pk: string; sk: string }>): Promise<void> {
    for (const part of chunk(keyList, 25)) {
      let requests: Array<Record<string, unknown>> | undefined = part.map((Key) => ({
        DeleteRequest: { Key },
      }));
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const result = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = result.UnprocessedItems?.[this.tableName] as typeof requests;
      }
    }
  }
}
