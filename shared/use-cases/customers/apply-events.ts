import type { CustomerChange } from '../../domain/customers/change.js';
import { emittedEventTypes, type StoredEvent } from '../../domain/customers/events.js';
import { identitiesOf } from '../../domain/customers/identity.js';
import type { Profile } from '../../domain/customers/profile.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { type ChangeDeps, changeCustomers } from './change-customers.js';

export interface ApplyEventsDeps extends ChangeDeps {
  shopSettings: (shopId: string) => Promise<ShopSettings>;
  onFailure?: (error: unknown, events: number) => void;
  /** Told each committed customer as it stands after its events, so later steps need not read it again. */
  onApplied?: (events: StoredEvent[], profile: Profile) => void;
}

/** Events that name a customer the same way are one change; changes landing on one customer are put together later. */
export function changesOf(events: StoredEvent[]): CustomerChange[] {
  const groups = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const key = event.customerId
      ? `id:${event.customerId}`
      : event.phone
        ? `phone:${event.phone}`
        : `email:${event.email}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return [...groups.values()].map((group) => {
    const identities = new Map(group.flatMap(identitiesOf).map((i) => [`${i.kind}:${i.value}`, i]));
    return { customerId: group[0]?.customerId, identities: [...identities.values()], events: group };
  });
}

/**
 * What huitou emitted itself came out of a profile's change and goes to journeys only: applied back,
 * it would change nothing but cost the reads, or, decided on settings a cache holds a minute longer
 * than the change that emitted it (a tier ladder just replaced), undo that change.
 */
const emitted: ReadonlySet<string> = new Set(emittedEventTypes);

/**
 * Primary course: group new events by shop and by the customer they name, and apply them (all but
 * huitou's own): one write per customer, exactly once. Returns the ids of events whose customer
 * could not be committed, so the caller can report them for retry.
 */
export async function applyNewEvents(deps: ApplyEventsDeps, events: StoredEvent[]): Promise<Set<string>> {
  const byShop = new Map<string, StoredEvent[]>();
  for (const event of events)
    if (!emitted.has(event.type)) byShop.set(event.shopId, [...(byShop.get(event.shopId) ?? []), event]);
  const failed = new Set<string>();
  for (const [shopId, shopEvents] of byShop) {
    const changes = changesOf(shopEvents);
    let outcomes: Awaited<ReturnType<typeof changeCustomers>>;
    try {
      outcomes = await changeCustomers(deps, await deps.shopSettings(shopId), changes);
    } catch (error) {
      outcomes = changes.map(() => ({ ok: false, error }));
    }
    outcomes.forEach((outcome, i) => {
      const change = changes[i] as CustomerChange;
      if (outcome.ok) {
        deps.onApplied?.(change.events, outcome.profile);
        return;
      }
      for (const e of change.events) failed.add(e.id);
      deps.onFailure?.(outcome.error, change.events.length);
    });
  }
  return failed;
}
