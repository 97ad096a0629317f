import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '../../domain/campaigns/campaign.js';
import type { CampaignStore, Deferral } from '../../ports/campaigns/campaign-store.js';
import { conditionally, queryAll } from './batch.js';
import { keyPrefixes, keys } from './keys.js';

const campaignOf = (item: Record<string, unknown>) => JSON.parse(item.campaign as string) as Campaign;

/** A deferral's id: the same customers of the same run deferred to the same instant are one item. */
export function deferralId(d: Deferral): string {
  const ids = d.customers.map((c) => c.customerId).sort();
  return createHash('sha256')
    .update(JSON.stringify([d.occurrence, d.until, ids]))
    .digest('hex')
    .slice(0, 24);
}

/**
 * Campaigns: one item each in the shop's campaigns partition (version-checked writes), and the due
 * index beside them (keys.ts): a run pointer per campaign with a next run, written and removed in the
 * same transaction as the campaign, and deferral items carrying the customers they bring back.
 */
export class DynamoCampaignStore implements CampaignStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private item(c: Campaign) {
    return {
      TableName: this.tableName,
      Item: {
        ...keys.campaign(c.shopId, c.id),
        version: c.version,
        createdAt: c.createdAt,
        campaign: JSON.stringify(c),
      },
    };
  }

  private runPointer(c: Campaign, at: string) {
    return {
      TableName: this.tableName,
      Item: {
        ...keys.campaignRunDue(at, c.shopId, c.id),
        kind: 'RUN',
        shopId: c.shopId,
        campaignId: c.id,
        runAt: at,
      },
    };
  }

  create(c: Campaign): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { ...this.item(c), ConditionExpression: 'attribute_not_exists(pk)' } },
            ...(c.nextRunAt ? [{ Put: this.runPointer(c, c.nextRunAt) }] : []),
          ],
        }),
      ),
    );
  }

  async get(shopId: string, campaignId: string): Promise<Campaign | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.campaign(shopId, campaignId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? campaignOf(out.Item) : null;
  }

  async list(shopId: string): Promise<Campaign[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': keys.campaignsOfShop(shopId), ':c': keyPrefixes.campaign },
    });
    return items
      .map(campaignOf)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  replace(previous: Campaign, next: Campaign): Promise<boolean> {
    const moved = previous.nextRunAt !== next.nextRunAt;
    return conditionally(() =>
      this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                ...this.item(next),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': previous.version },
              },
            },
            ...(moved && previous.nextRunAt
              ? [
                  {
                    Delete: {
                      TableName: this.tableName,
                      Key: keys.campaignRunDue(previous.nextRunAt, previous.shopId, previous.id),
                    },
                  },
                ]
              : []),
            ...(moved && next.nextRunAt ? [{ Put: this.runPointer(next, next.nextRunAt) }] : []),
          ],
        }),
      ),
    );
  }

  private async due(at: string, limit: number, kind: 'RUN' | 'DEFER') {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk <= :to',
        FilterExpression: 'kind = :kind',
        ExpressionAttributeValues: {
          ':pk': keys.campaignDuePartition(),
          ':to': keys.campaignDueUntil(at),
          ':kind': kind,
        },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return out.Items ?? [];
  }

  async dueRuns(at: string, limit: number) {
    return (await this.due(at, limit, 'RUN')).map((i) => ({
      shopId: i.shopId as string,
      campaignId: i.campaignId as string,
      runAt: i.runAt as string,
    }));
  }

  async dueDeferrals(at: string, limit: number): Promise<Deferral[]> {
    return (await this.due(at, limit, 'DEFER')).map((i) => JSON.parse(i.deferral as string) as Deferral);
  }

  async nextDueAfter(at: string): Promise<string | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk > :after',
        ExpressionAttributeValues: {
          ':pk': keys.campaignDuePartition(),
          ':after': keys.campaignDueUntil(at),
        },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    if (!item) return null;
    return item.kind === 'RUN'
      ? (item.runAt as string)
      : (JSON.parse(item.deferral as string) as Deferral).until;
  }

  async putDeferral(d: Deferral): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.campaignDeferralDue(d.until, d.shopId, d.campaignId, deferralId(d)),
          kind: 'DEFER',
          deferral: JSON.stringify(d),
        },
      }),
    );
  }

  async removeDeferral(d: Deferral): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.campaignDeferralDue(d.until, d.shopId, d.campaignId, deferralId(d)),
      }),
    );
  }
}
