import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProfileStats } from '../../domain/customers/profile.js';
import type { SegmentCandidate, SegmentStore } from '../../ports/segments/segment-store.js';
import { queryPages } from './batch.js';
import { customerShards, keys, valueShardPk } from './keys.js';

export class DynamoSegmentStore implements SegmentStore {
  readonly shards = customerShards;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *customersOfShard(shopId: string, shard: number): AsyncIterable<SegmentCandidate[]> {
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'byValue',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': valueShardPk(shopId, shard) },
    });
    for await (const items of pages) {
      yield items.map((item) => ({
        customerId: item.customerId as string,
        version: item.version as number,
        stats: item.stats as ProfileStats,
        segments: (item.segments ?? []) as string[],
      }));
    }
  }

  async setSegments(
    shopId: string,
    customerId: string,
    version: number,
    segments: string[],
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.profile(shopId, customerId),
          UpdateExpression: 'SET #segments = :s, version = :next',
          ExpressionAttributeNames: { '#segments': 'segments' },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':s': segments, ':v': version, ':next': version + 1 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
