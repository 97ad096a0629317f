import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { historyDays } from '../../domain/campaigns/treatment.js';
import { dayMs } from '../../domain/segments/features.js';
import type { ContactHistory, QueuedContact } from '../../ports/campaigns/campaign-store.js';
import { conditionally, queryAll } from './batch.js';
import { keyPrefixes, keys } from './keys.js';

/** Contact marks outlive the longest cap window by a day, then DynamoDB's TTL removes them. */
const keepDays = historyDays + 1;

/**
 * A customer's queued marketing messages, one small item each in the customer's partition (so
 * erasure takes them with the customer): the contact policy's history, counted from the moment a
 * message is queued. One item per send id; a retried record keeps the first time.
 */
export class DynamoContactHistory implements ContactHistory {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async sentSince(shopId: string, customerId: string, since: string): Promise<QueuedContact[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      FilterExpression: '#at >= :since',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: {
        ':pk': keys.contact(shopId, customerId, '').pk,
        ':c': keyPrefixes.contact,
        ':since': since,
      },
    });
    return items.map((i) => ({
      sendId: i.sendId as string,
      at: i.at as string,
      channel: i.channel as QueuedContact['channel'],
      purpose: i.purpose as QueuedContact['purpose'],
    }));
  }

  async record(shopId: string, customerId: string, contact: QueuedContact): Promise<void> {
    await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.contact(shopId, customerId, contact.sendId),
            ...contact,
            expiresAt: Math.floor((Date.parse(contact.at) + keepDays * dayMs) / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
