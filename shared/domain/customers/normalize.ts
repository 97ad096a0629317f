import { type FieldIssue, ValidationError } from '../errors.js';
import type { ShopSettings } from '../shops/shop.js';
import { issuesOf } from '../validation.js';
import {
  earliestOccurredAt,
  maxClockSkewMs,
  type ShopEvent,
  type StoredEvent,
  shopEventSchema,
  storedProperties,
} from './events.js';
import { normalizeEmail, normalizePhone } from './identity.js';

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
