import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  SegmentDefinitionStore,
  StoredSegmentDefinition,
} from '../../ports/segments/definition-store.js';
import { conditionally, queryAll } from './batch.js';
import { keyPrefixes, keys } from './keys.js';

const definitionOf = (item: Record<string, unknown>) =>
  JSON.parse(item.definition as string) as StoredSegmentDefinition;

/** A shop's custom segments: one item each in the shop's segments partition; the list is one query. */
export class DynamoSegmentDefinitionStore implements SegmentDefinitionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(shopId: string): Promise<StoredSegmentDefinition[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :def)',
      ExpressionAttributeValues: {
        ':pk': keys.segmentsOfShop(shopId),
        ':def': keyPrefixes.segmentDefinition,
      },
    });
    return items.map(definitionOf);
  }

  async get(shopId: string, segmentId: string): Promise<StoredSegmentDefinition | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.segmentDefinition(shopId, segmentId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? definitionOf(out.Item) : null;
  }

  put(shopId: string, definition: StoredSegmentDefinition, expectedVersion: number): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.segmentDefinition(shopId, definition.id),
            version: definition.version,
            definition: JSON.stringify(definition),
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion !== 0 && { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      ),
    );
  }

  delete(shopId: string, segmentId: string): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.segmentDefinition(shopId, segmentId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }
}
