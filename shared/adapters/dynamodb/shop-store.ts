import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EditableShopSettings, ShopSettings } from '../../domain/shops/shop.js';
import type { ApiKeyRecord, ShopStore } from '../../ports/shops/shop-store.js';
import { conditionally, isConditionFailure, queryAll } from './batch.js';
import { keys } from './keys.js';

export class DynamoShopStore implements ShopStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getShop(shopId: string): Promise<ShopSettings | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.shop(shopId) }));
    return (out.Item?.settings as ShopSettings | undefined) ?? null;
  }

  async putShop(settings: ShopSettings): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.shop(settings.shopId),
          gsi1pk: keys.shopListing(),
          gsi1sk: settings.shopId,
          settings,
        },
      }),
    );
  }

  async listShops(): Promise<ShopSettings[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'byOwner',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.shopListing() },
    });
    return items.map((i) => i.settings as ShopSettings);
  }

  async updateSettings(shopId: string, fields: EditableShopSettings): Promise<ShopSettings | null> {
    const set = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (set.length === 0) return this.getShop(shopId);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.shop(shopId),
          UpdateExpression: `SET ${set.map((_, i) => `settings.#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(settings)',
          ExpressionAttributeNames: Object.fromEntries(set.map(([field], i) => [`#f${i}`, field])),
          ExpressionAttributeValues: Object.fromEntries(set.map(([, value], i) => [`:v${i}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes?.settings as ShopSettings;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async putApiKey(key: ApiKeyRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.apiKey(key.hash),
          gsi1pk: keys.apiKeyListing(key.shopId),
          gsi1sk: key.createdAt,
          ...key,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findApiKey(hash: string): Promise<ApiKeyRecord | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.apiKey(hash) }));
    return out.Item ? toRecord(out.Item) : null;
  }

  async listApiKeys(shopId: string): Promise<ApiKeyRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'byOwner',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.apiKeyListing(shopId) },
    });
    return items.map(toRecord);
  }

  async revokeApiKey(shopId: string, prefix: string, at: string): Promise<boolean> {
    const key = (await this.listApiKeys(shopId)).find((k) => k.prefix === prefix && !k.revokedAt);
    if (!key) return false;
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.apiKey(key.hash),
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'shopId = :shop AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at, ':shop': shopId },
        }),
      ),
    );
  }

  async countRequest(shopId: string, epochSecond: number): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rate(shopId, epochSecond),
        UpdateExpression: 'ADD requests :one SET expiresAt = :exp',
        ExpressionAttributeValues: { ':one': 1, ':exp': epochSecond + 120 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return (out.Attributes?.requests as number | undefined) ?? 1;
  }
}

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  return {
    shopId: item.shopId as string,
    prefix: item.prefix as string,
    hash: item.hash as string,
    createdAt: item.createdAt as string,
    revokedAt: item.revokedAt as string | undefined,
  };
}
