import type { StoredEvent } from '../../domain/customers/events.js';
import type { Condition, JourneyDefinition } from '../../domain/journeys/definition.js';
import type { JourneyEvent } from '../../domain/journeys/triggers.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { type RuntimeDeps, runCustomer } from './journey-runtime.js';

/**
 * Events into journeys, after the stream applied them to profiles: each customer's events move its
 * instances on and may start new ones. Cheap for what no journey cares about: event types no
 * enabled journey names are dropped before anything is read.
 */

export interface FeedDeps extends RuntimeDeps {
  shopSettings: (shopId: string) => Promise<ShopSettings>;
  onFailure?: (error: unknown, customerId: string) => void;
}

function conditionEvents(c: Condition | undefined): string[] {
  if (!c) return [];
  if (c.type === 'all' || c.type === 'any') return c.of.flatMap(conditionEvents);
  if (c.type === 'not') return conditionEvents(c.of);
  return c.type === 'did' ? [c.event] : [];
}

/** The event types a journey's instances hear, whatever started them: waits, exits and the conditions it reads. */
export function heardEventTypesOf(def: JourneyDefinition): string[] {
  const types = def.exit.events.map((e) => e.event);
  types.push(...conditionEvents(def.exit.when), ...conditionEvents(def.entry.when));
  for (const step of def.steps) {
    if (step.type === 'waitForEvent') types.push(step.event);
    if (step.type === 'branch') types.push(...conditionEvents(step.if));
  }
  return types;
}

/** Every event type a journey reacts to: its trigger, its waits, its exits and the conditions it reads. */
export function eventTypesOf(def: JourneyDefinition): string[] {
  // Any event may be the first news of a birthday or a first order: it (re)schedules the date.
  if (def.trigger.type === 'date') return ['*'];
  const types = heardEventTypesOf(def);
  if (def.trigger.type === 'event') types.push(def.trigger.event);
  else if (def.trigger.type === 'segment') types.push(`segment_${def.trigger.on}`);
  else if (def.trigger.type === 'holiday') types.push('holiday');
  return types;
}

export function journeyEventOf(
  e: Pick<StoredEvent, 'id' | 'type' | 'occurredAt' | 'properties'>,
): JourneyEvent {
  return {
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt,
    properties: e.properties as Record<string, unknown>,
  };
}

/**
 * Primary course: for one shop, the events of each customer, oldest first, through runCustomer.
 * `events` name customers by the id the stream resolved. Returns the ids of events whose
 * customer's journeys failed, for the stream to retry (a retry applies nothing twice).
 */
export async function feedJourneyEvents(
  deps: FeedDeps,
  shopId: string,
  events: ReadonlyArray<{ customerId: string; event: JourneyEvent }>,
): Promise<{ failed: Set<string>; queued: number }> {
  const failed = new Set<string>();
  const enabled = await deps.enabled(shopId);
  const cared = new Set(enabled.flatMap(eventTypesOf));
  const wanted = cared.has('*') ? events : events.filter((e) => cared.has(e.event.type));
  if (wanted.length === 0) return { failed, queued: 0 };
  const shop = await deps.shopSettings(shopId);
  const byCustomer = new Map<string, JourneyEvent[]>();
  for (const { customerId, event } of wanted)
    byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), event]);
  let queued = 0;
  const groups = [...byCustomer.entries()];
  const worker = async () => {
    for (let next = groups.shift(); next; next = groups.shift()) {
      const [customerId, list] = next;
      const inputs = [...list]
        .sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0))
        .map((event) => ({ kind: 'event' as const, event }));
      try {
        queued += (await runCustomer(deps, shop, customerId, inputs)).length;
      } catch (error) {
        deps.onFailure?.(error, customerId);
        for (const e of list) failed.add(e.id);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, groups.length) }, worker));
  return { failed, queued };
}

/**
 * The stream's events (those applied to profiles; `skip` are the ones that were not) into the
 * shops' journeys, each under the customer it names: its id, else the owner of its phone or email.
 */
export async function feedStoredEvents(
  deps: FeedDeps,
  events: readonly StoredEvent[],
  skip: ReadonlySet<string>,
): Promise<Set<string>> {
  const byShop = new Map<string, StoredEvent[]>();
  for (const e of events) if (!skip.has(e.id)) byShop.set(e.shopId, [...(byShop.get(e.shopId) ?? []), e]);
  const failed = new Set<string>();
  for (const [shopId, list] of byShop) {
    const identityOf = (e: StoredEvent) =>
      e.phone ? `phone:${e.phone}` : e.email ? `email:${e.email}` : null;
    const anonymous = list.filter((e) => !e.customerId).flatMap((e) => identityOf(e) ?? []);
    const owners = anonymous.length > 0 ? await deps.profiles.findOwners(shopId, anonymous) : new Map();
    const named = list.flatMap((e) => {
      const customerId = e.customerId ?? owners.get(identityOf(e) ?? '');
      return customerId ? [{ customerId, event: journeyEventOf(e) }] : [];
    });
    try {
      for (const id of (await feedJourneyEvents(deps, shopId, named)).failed) failed.add(id);
    } catch (error) {
      deps.onFailure?.(error, '*');
      for (const e of list) failed.add(e.id);
    }
  }
  return failed;
}
