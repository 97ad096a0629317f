import { chunk } from '../../domain/collections.js';
import type { StoredEvent } from '../../domain/customers/events.js';
import type { IdentityKey } from '../../domain/customers/identity.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { type ChangeDeps, changeCustomer } from './change-customer.js';

export interface ApplyEventsDeps extends ChangeDeps {
  shopSettings: (shopId: string) => Promise<ShopSettings>;
  onGroupFailure?: (error: unknown, events: number) => void;
}

export function identitiesOf(ref: { phone?: string; email?: string }): IdentityKey[] {
  const out: IdentityKey[] = [];
  if (ref.phone) out.push({ kind: 'phone', value: ref.phone });
  if (ref.email) out.push({ kind: 'email', value: ref.email });
  return out;
}

/** Events that name the same customer the same way are applied together, in one commit. */
function groupKey(event: StoredEvent): string {
  const id = event.customerId
    ? `id:${event.customerId}`
    : event.phone
      ? `phone:${event.phone}`
      : `email:${event.email}`;
  return `${event.shopId}\u0000${id}`;
}

const maxEventsPerCommit = 40;

/**
 * Primary course: group new events by the customer they name, and apply each group exactly once.
 * Returns the ids of events whose group failed, so the caller can report them for retry.
 */
export async function applyNewEvents(deps: ApplyEventsDeps, events: StoredEvent[]): Promise<Set<string>> {
  const groups = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const key = groupKey(event);
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  const failed = new Set<string>();
  // Groups are different customers: run them side by side, a few at a time.
  const queue = [...groups.values()];
  const workers = Array.from({ length: Math.min(8, queue.length) }, async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      try {
        for (const part of chunk(group, maxEventsPerCommit)) await applyGroup(deps, part);
      } catch (error) {
        for (const e of group) failed.add(e.id);
        deps.onGroupFailure?.(error, group.length);
      }
    }
  });
  await Promise.all(workers);
  return failed;
}

async function applyGroup(deps: ApplyEventsDeps, group: StoredEvent[]): Promise<void> {
  const head = group[0] as StoredEvent;
  const identities = new Map(group.flatMap(identitiesOf).map((i) => [`${i.kind}:${i.value}`, i]));
  await changeCustomer(deps, {
    settings: await deps.shopSettings(head.shopId),
    customerId: head.customerId,
    identities: [...identities.values()],
    events: group,
  });
}
