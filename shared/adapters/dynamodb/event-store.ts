import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredEvent } from '../../domain/customers/events.js';
import type { AppendResult, EventStore } from '../../ports/customers/event-store.js';
import { customerPk, eventSortKey, keys } from './keys.js';

/** The stored form of an event; `expiresAt` (seconds) lets DynamoDB TTL drop raw browsing. */
export function eventItem(event: StoredEvent, expiresAt?: number): Record<string, unknown> {
  return {
    ...keys.event(event.shopId, event.id),
    ...event,
    properties: Object.keys(event.properties).length > 0 ? event.properties : undefined,
    ...(event.type === 'tier_changed'
      ? keys.timeline(event.shopId, event.customerId, event.occurredAt, event.id)
      : {}),
    expiresAt,
  };
}

const storedAttributes = [
  'shopId',
  'id',
  'type',
  'occurredAt',
  'receivedAt',
  'customerId',
  'phone',
  'email',
  'properties',
];

export function eventFromItem(item: Record<string, unknown>): Record<string, unknown> {
  const event = Object.fromEntries(
    storedAttributes.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]),
  );
  // An event without properties is stored without the attribute: the DynamoDB Streams SDK client
  // reads an empty map back as a value it cannot unmarshall.
  return { ...event, properties: event.properties ?? {} };
}

export class DynamoEventStore implements EventStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly expiryOf: (event: StoredEvent) => number | undefined,
  ) {}

  /**
   * One conditional put per event, in parallel: a single write unit each, and an id that exists
   * already is a duplicate rather than an overwrite. A failed call leaves the accepted ones in place;
   * the client's retry of the whole batch then counts them as duplicates.
   */
  async append(events: StoredEvent[]): Promise<AppendResult> {
    const outcomes = await Promise.all(
      events.map(async (event) => {
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: eventItem(event, this.expiryOf(event)),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return 'accepted' as const;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return 'duplicate' as const;
          throw error;
        }
      }),
    );
    const accepted = outcomes.filter((o) => o === 'accepted').length;
    return { accepted, duplicates: outcomes.length - accepted };
  }

  async timeline(shopId: string, customerIds: string[], limit: number): Promise<StoredEvent[]> {
    const pages = await Promise.all(
      customerIds.map((customerId) =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'byOwner',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': customerPk(shopId, customerId) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((p) => p.Items ?? [])
      .filter((item) => item.sk === eventSortKey)
      .sort((a, b) => (a.gsi1sk < b.gsi1sk ? 1 : -1))
      .slice(0, limit)
      .map((item) => eventFromItem(item) as unknown as StoredEvent);
  }
}
