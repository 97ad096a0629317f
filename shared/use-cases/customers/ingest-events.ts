import { z } from 'zod';
import {
  earliestOccurredAt,
  maxClockSkewMs,
  type ShopEvent,
  type StoredEvent,
  shopEventSchema,
  storedProperties,
} from '../../domain/customers/events.js';
import { normalizeEmail, normalizePhone } from '../../domain/customers/identity.js';
import { type FieldIssue, ValidationError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { issuesOf } from '../../domain/validation.js';
import type { AppendResult, EventStore } from '../../ports/customers/event-store.js';

export const maxEventsPerBatch = 100;

const batchSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(maxEventsPerBatch) });

/**
 * Checks one event beyond its shape (time, identity) and returns it in stored form, or its issues.
 * Every intake (the API, the Segment-compatible route, imports) goes through here.
 */
export function normalizeEvent(
  raw: unknown,
  settings: ShopSettings,
  now: Date,
  index: number,
  prefix: Array<string | number> = [],
): { event: StoredEvent } | { issues: FieldIssue[] } {
  const parsed = shopEventSchema.safeParse(raw);
  if (!parsed.success) return { issues: issuesOf(parsed.error, index, prefix) };
  const event = parsed.data as ShopEvent;
  const issues: FieldIssue[] = [];
  const at = (field: string) => [...prefix, field].join('.');
  const occurredAt = Date.parse(event.occurredAt);
  if (occurredAt > now.getTime() + maxClockSkewMs) {
    issues.push({ index, path: at('occurredAt'), message: 'lies in the future' });
  } else if (occurredAt < earliestOccurredAt) {
    issues.push({ index, path: at('occurredAt'), message: 'is before 2000-01-01' });
  }
  let phone: string | undefined;
  if (event.phone !== undefined) {
    phone = normalizePhone(event.phone, settings.defaultRegion) ?? undefined;
    if (!phone)
      issues.push({
        index,
        path: at('phone'),
        message: `not a valid phone number for region ${settings.defaultRegion}`,
      });
  }
  if (issues.length > 0) return { issues };
  return {
    event: storedProperties({
      ...event,
      shopId: settings.shopId,
      occurredAt: new Date(occurredAt).toISOString(),
      receivedAt: now.toISOString(),
      phone,
      email: event.email === undefined ? undefined : normalizeEmail(event.email),
    } as StoredEvent),
  };
}

/** Validates every event of a batch; any problem rejects the whole batch with every issue listed. */
export function normalizeBatch(
  raws: unknown[],
  settings: ShopSettings,
  now: Date,
  pathOf: (index: number) => Array<string | number>,
): StoredEvent[] {
  const issues: FieldIssue[] = [];
  const events: StoredEvent[] = [];
  const seen = new Map<string, number>();
  raws.forEach((raw, index) => {
    const result = normalizeEvent(raw, settings, now, index, pathOf(index));
    if ('issues' in result) {
      issues.push(...result.issues);
      return;
    }
    const first = seen.get(result.event.id);
    if (first !== undefined) {
      issues.push({
        index,
        path: [...pathOf(index), 'id'].join('.'),
        message: `duplicates the id of event ${first}`,
      });
    }
    seen.set(result.event.id, index);
    events.push(result.event);
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return events;
}

/** Primary course: validate the whole batch, then store each event at most once. */
export async function ingestEvents(
  store: EventStore,
  settings: ShopSettings,
  body: unknown,
  now: Date,
): Promise<AppendResult> {
  const batch = batchSchema.safeParse(body);
  if (!batch.success) throw new ValidationError(issuesOf(batch.error));
  const events = normalizeBatch(batch.data.events, settings, now, (i) => ['events', i]);
  return store.append(events);
}
