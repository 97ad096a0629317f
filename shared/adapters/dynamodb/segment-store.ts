import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors.js';
import type {
  MembershipChange,
  MembersPage,
  SegmentCandidate,
  SegmentStore,
} from '../../ports/segments/segment-store.js';
import { batchGet, conditionally, queryPages } from './batch.js';
import { customerShards, keys, valueShardPk } from './keys.js';
import { profileFromItem } from './profile-store.js';

/** DynamoDB takes at most 100 items in a transaction: the customer item and 99 member items. */
const maxMemberWrites = 99;

interface Cursor {
  shard: number;
  after?: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(cursor: string | undefined): Cursor {
  if (!cursor) return { shard: 0 };
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Cursor;
    if (Number.isInteger(c.shard) && c.shard >= 0 && c.shard < customerShards) return c;
  } catch {}
  throw new ValidationError([{ path: 'cursor', message: 'not a cursor this API returned' }]);
}

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
      // Eventually consistent, at half the price: memberships are written only at the version read.
      const items = await batchGet(
        this.doc,
        this.tableName,
        page.map((k) => ({ pk: k.pk as string, sk: k.sk as string })),
        { consistent: false },
      );
      yield items.flatMap((item) => {
        const stored = profileFromItem(item);
        return stored.mergedInto ? [] : [{ version: stored.version, profile: stored.profile }];
      });
    }
  }

  /**
   * The list and the member items in one transaction, so a crash never leaves them disagreeing (the
   * next run diffs against the list). Rare: only customers whose memberships changed are written.
   */
  setMemberships(
    shopId: string,
    customerId: string,
    version: number,
    change: MembershipChange,
  ): Promise<boolean> {
    const members = [
      ...change.joined.map((id) => ({
        Put: { TableName: this.tableName, Item: keys.segmentMember(shopId, id, customerId) },
      })),
      ...change.left.map((id) => ({
        Delete: { TableName: this.tableName, Key: keys.segmentMember(shopId, id, customerId) },
      })),
    ];
    if (members.length > maxMemberWrites)
      throw new RangeError(
        `${members.length} membership changes for one customer, at most ${maxMemberWrites}`,
      );
    return conditionally(() =>
      this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.customer(shopId, customerId),
                UpdateExpression: 'SET #segments = :s, version = :next',
                ExpressionAttributeNames: { '#segments': 'segments' },
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':s': change.segments, ':v': version, ':next': version + 1 },
              },
            },
            ...members,
          ],
        }),
      ),
    );
  }

  /** Shard by shard, each a query on the segment's own partition: reads only the members returned. */
  async membersOf(
    shopId: string,
    segmentId: string,
    page: { limit: number; cursor?: string },
  ): Promise<MembersPage> {
    let at = decodeCursor(page.cursor);
    const customerIds: string[] = [];
    while (customerIds.length < page.limit) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: at.after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': keys.segmentMembers(shopId, segmentId, at.shard),
            ...(at.after && { ':after': at.after }),
          },
          ProjectionExpression: 'sk',
          Limit: page.limit - customerIds.length,
        }),
      );
      const ids = (out.Items ?? []).map((i) => i.sk as string);
      customerIds.push(...ids);
      if (out.LastEvaluatedKey) at = { shard: at.shard, after: out.LastEvaluatedKey.sk as string };
      else if (at.shard + 1 < customerShards) at = { shard: at.shard + 1 };
      else return { customerIds };
    }
    return { customerIds, cursor: encodeCursor(at) };
  }
}
