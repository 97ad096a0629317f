import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import {
  type StoredEvent,
  shopEventSchema,
  tierChangedPropertiesSchema,
  traitsChangedPropertiesSchema,
} from '../../domain/customers/events.js';
import { eventFromItem } from './event-store.js';

const storedMeta = z.object({ shopId: z.string().min(1), receivedAt: z.string().min(1) });
const tierChanged = z.strictObject({
  id: z.string(),
  type: z.literal('tier_changed'),
  occurredAt: z.string(),
  customerId: z.string(),
  properties: tierChangedPropertiesSchema,
});

const traitsChanged = z.strictObject({
  id: z.string(),
  type: z.literal('traits_changed'),
  occurredAt: z.string(),
  customerId: z.string(),
  properties: traitsChangedPropertiesSchema,
});

/** A stream record's new image as a stored event, validated: the stream is an edge too. */
export function eventOfRecord(record: DynamoDBRecord): StoredEvent {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error(`stream record ${record.eventID} has no new image`);
  const { shopId, receivedAt, ...rest } = eventFromItem(unmarshall(image as Record<string, AttributeValue>));
  const meta = storedMeta.parse({ shopId, receivedAt });
  const body =
    rest.type === 'tier_changed'
      ? tierChanged.parse(rest)
      : rest.type === 'traits_changed'
        ? traitsChanged.parse(rest)
        : shopEventSchema.parse(rest);
  return { ...body, ...meta } as StoredEvent;
}
