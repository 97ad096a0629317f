import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutgoingMessage } from '../../domain/sending/messages.js';
import type { SendLedger } from '../../ports/sending/messaging.js';
import { conditionally } from './batch.js';
import { keys } from './keys.js';

/** The send ledger: one item per send, claimed before the provider is called. */
export class DynamoSendLedger implements SendLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  claim(m: OutgoingMessage, at: string): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.send(m.shopId, m.sendId),
            shopId: m.shopId,
            sendId: m.sendId,
            customerId: m.customerId,
            channel: m.channel,
            status: 'sending',
            history: [{ status: 'sending', at }],
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async record(
    m: OutgoingMessage,
    outcome: { status: 'sent'; providerMessageId: string } | { status: 'failed'; reason: string },
    at: string,
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.send(m.shopId, m.sendId),
        UpdateExpression:
          'SET #s = :s, history = list_append(history, :h), providerMessageId = :p, failure = :r',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':s': outcome.status,
          ':h': [{ status: outcome.status, at }],
          ':p': outcome.status === 'sent' ? outcome.providerMessageId : null,
          ':r': outcome.status === 'failed' ? outcome.reason : null,
        },
      }),
    );
  }

  async release(m: OutgoingMessage): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.send(m.shopId, m.sendId),
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sending': 'sending' },
      }),
    );
  }
}
