import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredEvent } from '../../domain/customers/events.js';
import { identityKey } from '../../domain/customers/identity.js';
import type { AppendResult, EventOwners, EventStore } from '../../ports/customers/event-store.js';
import { batchGet, batchPut } from './batch.js';
import { appliedByAttribute, customerPk, type EventOwner, identityPk, keyPrefixes, keys } from './keys.js';

/** Whom an event is filed under: the customer id it names, else its phone, else its email. */
function ownerOf(event: StoredEvent): EventOwner {
  if (event.customerId) return { customerId: event.customerId };
  const kind = event.phone ? 'phone' : 'email';
  return { identity: identityKey({ kind, value: (event.phone ?? event.email) as string }) };
}

function eventKey(event: StoredEvent) {
  return keys.event(event.shopId, ownerOf(event), event.occurredAt, event.id);
}

/** The stored form of an event; `expiresAt` (seconds) lets DynamoDB TTL drop raw browsing. */
export function eventItem(
  event: StoredEvent,
  expiresAt?: number,
  appliedBy?: string,
): Record<string, unknown> {
  return {
    ...eventKey(event),
    ...event,
    // An event without properties is stored without the attribute: the DynamoDB Streams SDK client
    // reads an empty map back as a value it cannot unmarshall.
    properties: Object.keys(event.properties).length > 0 ? event.properties : undefined,
    expiresAt,
    [appliedByAttribute]: appliedBy,
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
  return { ...event, properties: event.properties ?? {} };
}

export class DynamoEventStore implements EventStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly expiryOf: (event: StoredEvent) => number | undefined,
  ) {}

  /**
   * Looks up which ids are stored already (a client's retry), then writes the rest in batches: one
   * write unit for a small event. A concurrent retry that slips between the two overwrites the same
   * item with the same event; the stream sees that as a modification, which it does not apply.
   */
  async append(events: StoredEvent[]): Promise<AppendResult> {
    const stored = await this.stored(events);
    const fresh = events.filter((e) => !stored.has(e.id));
    await batchPut(
      this.doc,
      this.tableName,
      fresh.map((e) => eventItem(e, this.expiryOf(e))),
    );
    return { accepted: fresh.length, duplicates: events.length - fresh.length };
  }

  async appendApplied(events: StoredEvent[]): Promise<void> {
    await batchPut(
      this.doc,
      this.tableName,
      events.map((e) => eventItem(e, this.expiryOf(e), 'import')),
    );
  }

  async stored(events: StoredEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    // Eventually consistent (half the read units): a retry close enough to miss the first write
    // rewrites the same item, which the stream does not apply again (see append).
    const items = await batchGet(this.doc, this.tableName, events.map(eventKey), {
      projection: { expression: 'id' },
      consistent: false,
    });
    return new Set(items.map((item) => item.id as string));
  }

  async timeline(shopId: string, owners: EventOwners, limit: number): Promise<StoredEvent[]> {
    const partitions = [
      ...owners.customerIds.map((id) => customerPk(shopId, id)),
      ...owners.identities.map((i) => identityPk(shopId, i)),
    ];
    const pages = await Promise.all(
      partitions.map((pk) =>
        this.doc
          .send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
              ExpressionAttributeValues: { ':pk': pk, ':ev': keyPrefixes.event },
              ScanIndexForward: false,
              Limit: limit,
            }),
          )
          .then((page) => page.Items ?? []),
      ),
    );
    return pages
      .flat()
      .map((item) => eventFromItem(item) as unknown as StoredEvent)
      .sort((a, b) =>
        a.occurredAt < b.occurredAt ? 1 : a.occurredAt > b.occurredAt ? -1 : a.id < b.id ? 1 : -1,
      )
      .slice(0, limit);
  }
}
