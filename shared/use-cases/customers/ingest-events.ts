import { normalizeBatch } from '../../domain/customers/normalize.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { AppendResult, EventStore } from '../../ports/customers/event-store.js';

/** Primary course: validate every event of the batch (any problem rejects it whole), then store each at most once. */
export async function ingestEvents(
  store: EventStore,
  settings: ShopSettings,
  events: unknown[],
  now: Date,
): Promise<AppendResult> {
  return store.append(normalizeBatch(events, settings, now, (i) => ['events', i]));
}
