import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SegmentCandidate, SegmentStore } from '../../ports/segments/segment-store.js';
import { batchGet, conditionally, queryPages } from './batch.js';
import { customerShards, keys, valueShardPk } from './keys.js';
import { profileFromItem } from './profile-store.js';

export class DynamoSegmentStore implements SegmentStore {
  readonly shards = customerShards;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The customers index holds keys only: each page of keys is followed by one batched read of the profiles. */
  async *customersOfShard(shopId: string, shard: number): AsyncIterable<SegmentCandidate[]> {
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'byValue',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': valueShardPk(shopId, shard) },
    });
    for await (const page of pages) {
      if (page.length === 0) continue;
      const items = await batchGet(
        this.doc,
        this.tableName,
        page.map((k) => ({ pk: k.pk as string, sk: k.sk as string })),
      );
      yield items.flatMap((item) => {
        const stored = profileFromItem(item);
        return stored.mergedInto ? [] : [{ version: stored.version, profile: stored.profile }];
      });
    }
  }

  setSegments(shopId: string, customerId: string, version: number, segments: string[]): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.customer(shopId, customerId),
          UpdateExpression: 'SET #segments = :s, version = :next',
          ExpressionAttributeNames: { '#segments': 'segments' },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':s': segments, ':v': version, ':next': version + 1 },
        }),
      ),
    );
  }
}
