import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ShopModel } from '../../domain/segments/predictions/predict.js';
import type { RefreshResultStore, RefreshSummary } from '../../ports/segments/refresh-result-store.js';
import { batchGet } from './batch.js';
import { keys } from './keys.js';

/** The model and the two latest summaries: small items in the shop's segments partition, as JSON. */
export class DynamoRefreshResultStore implements RefreshResultStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getModel(shopId: string): Promise<ShopModel | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.shopModel(shopId) }),
    );
    return out.Item ? (JSON.parse(out.Item.model as string) as ShopModel) : null;
  }

  async saveModel(shopId: string, model: ShopModel): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.shopModel(shopId), model: JSON.stringify(model) },
      }),
    );
  }

  async getSummaries(
    shopId: string,
  ): Promise<{ latest: RefreshSummary | null; previous: RefreshSummary | null }> {
    const items = await batchGet(this.doc, this.tableName, [
      keys.refreshSummary(shopId, 'latest'),
      keys.refreshSummary(shopId, 'previous'),
    ]);
    const of = (which: 'latest' | 'previous') => {
      const item = items.find((i) => i.sk === keys.refreshSummary(shopId, which).sk);
      return item ? (JSON.parse(item.summary as string) as RefreshSummary) : null;
    };
    return { latest: of('latest'), previous: of('previous') };
  }

  async saveSummary(shopId: string, summary: RefreshSummary): Promise<void> {
    const { latest } = await this.getSummaries(shopId);
    const put = (which: 'latest' | 'previous', s: RefreshSummary) => ({
      Put: {
        TableName: this.tableName,
        Item: { ...keys.refreshSummary(shopId, which), summary: JSON.stringify(s) },
      },
    });
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: latest ? [put('previous', latest), put('latest', summary)] : [put('latest', summary)],
      }),
    );
  }
}
