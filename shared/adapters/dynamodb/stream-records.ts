import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import {
  type EmittedEventType,
  emittedPropertySchemas,
  type StoredEvent,
  shopEventSchema,
} from '../../domain/customers/events.js';
import { eventFromItem } from './event-store.js';

const storedMeta = z.object({ shopId: z.string().min(1), receivedAt: z.string().min(1) });
/** An event huitou emitted itself (tier_changed, traits_changed, segment_entered, segment_left). */
const emitted = (type: EmittedEventType) =>
  z.strictObject({
    id: z.string(),
    type: z.literal(type),
    occurredAt: z.string(),
    customerId: z.string(),
    properties: emittedPropertySchemas[type],
  });
const isEmitted = (type: unknown): type is EmittedEventType =>
  typeof type === 'string' && Object.hasOwn(emittedPropertySchemas, type);

/** A stream record's new image as a stored event, validated: the stream is an edge too. */
export function eventOfRecord(record: DynamoDBRecord): StoredEvent {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error(`stream record ${record.eventID} has no new image`);
  const { shopId, receivedAt, ...rest } = eventFromItem(unmarshall(image as Record<string, AttributeValue>));
  const meta = storedMeta.parse({ shopId, receivedAt });
  const body = isEmitted(rest.type) ? emitted(rest.type).parse(rest) : shopEventSchema.parse(rest);
  return { ...body, ...meta } as StoredEvent;
}
