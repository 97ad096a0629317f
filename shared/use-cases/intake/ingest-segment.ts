import { normalizeBatch } from '../../domain/customers/normalize.js';
import { translateSegment } from '../../domain/intake/segment-spec.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import type { ChangeDeps } from '../customers/change-customers.js';
import { putCustomer } from '../customers/put-customer.js';

export interface SegmentResult {
  accepted: number;
  duplicates: number;
  identified: number;
  ignored: number;
}

/**
 * Primary course: translate the Segment request into events and traits, check the events like any
 * other (the whole request is refused on any problem, before anything is written), set the traits
 * of identified customers, then store the events.
 */
export async function ingestSegment(
  deps: ChangeDeps & { events: EventStore },
  settings: ShopSettings,
  kind: string,
  body: unknown,
): Promise<SegmentResult> {
  const translated = translateSegment(kind, body);
  const events = normalizeBatch(translated.events, settings, deps.clock(), (i) =>
    kind === 'batch' ? ['batch', translated.origin[i] ?? i] : [],
  );
  for (const { customerId, traits } of translated.identifies)
    await putCustomer(deps, settings, customerId, traits);
  const appended = events.length > 0 ? await deps.events.append(events) : { accepted: 0, duplicates: 0 };
  return { ...appended, identified: translated.identifies.length, ignored: translated.ignored };
}
