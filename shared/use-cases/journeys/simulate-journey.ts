import { z } from 'zod';
import type { StoredEvent } from '../../domain/customers/events.js';
import { normalizeBatch } from '../../domain/customers/normalize.js';
import { customerIdSchema, parseTraits } from '../../domain/customers/traits.js';
import { type FieldIssue, NotFoundError, ValidationError } from '../../domain/errors.js';
import { missingCouponRules } from '../../domain/journeys/coupons.js';
import { type JourneyDefinition, parseDefinition } from '../../domain/journeys/definition.js';
import { dayMs } from '../../domain/journeys/time.js';
import type { SendRequest } from '../../domain/sending/send-request.js';
import { couponRulesOf, type ShopSettings } from '../../domain/shops/shop.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';
import type { DueIndex, DuePointer } from '../../ports/journeys/due-index.js';
import type { InstanceRecord, JourneyInstanceStore } from '../../ports/journeys/instance-store.js';
import type { JourneyStore } from '../../ports/journeys/journey-store.js';
import type { JourneyRateCounter } from '../../ports/journeys/rate-counter.js';
import type { SendRequestQueue } from '../../ports/sending/send-queue.js';
import type { ContactLog } from '../../ports/sending/send-records.js';
import { applyNewEvents } from '../customers/apply-events.js';
import { putCustomer } from '../customers/put-customer.js';
import { type FeedDeps, feedStoredEvents } from './feed-events.js';
import { getJourney } from './journey-definitions.js';
import { type CustomerInput, runCustomer } from './journey-runtime.js';

/**
 * A journey's dry run (POST /v1/simulate with `journey`): the customers and events a shop feeds
 * (its own CI's fixtures, or a case it wants to see) go through the real runtime — profiles from
 * events, the interpreter, holdouts, the shop's contact policy and coupon rules — on stores held in
 * memory and a clock that jumps from one due moment to the next. The answer is every message that
 * would be queued (sent or withheld, with the reason), when, and what each was held for on the way.
 * Nothing is written to the shop's tables or queued. The journey runs alone: messages of the shop's
 * other journeys and campaigns are not played, so they do not compete for the caps here.
 */

export const journeySimulationSchema = z.strictObject({
  /** A journey id of the shop (its latest version, enabled or not), or a draft definition. */
  journey: z.union([z.string().min(1).max(64), z.record(z.string(), z.unknown())]),
  /** The customers as PUT /v1/customers/{id} takes them. */
  customers: z
    .array(
      z.strictObject({ customerId: customerIdSchema, traits: z.record(z.string(), z.unknown()).default({}) }),
    )
    .max(100)
    .default([]),
  /** Events as POST /v1/events takes them; without occurredAt they happen at `from`. */
  events: z.array(z.record(z.string(), z.unknown())).max(1000).default([]),
  /** Where the simulated clock starts (a fixed instant makes a CI run repeatable); now when left out. */
  from: z.iso.datetime({ offset: true }).optional(),
  days: z.number().int().min(1).max(90).default(7),
  /** How many messages the answer lists (the counts cover all). */
  limit: z.number().int().min(0).max(1000).default(100),
});
export type JourneySimulationRequest = z.output<typeof journeySimulationSchema>;

/** The stores one run plays on (shared/adapters/memory/dry-run-stores.ts). */
export interface DryRunWorld {
  profiles: ProfileStore & { takeEmitted(): StoredEvent[] };
  journeys: JourneyStore;
  instances: JourneyInstanceStore & { all(): InstanceRecord[] };
  due: Pick<DueIndex, 'add' | 'remove'> & { nextDue(): Date | null; takeDue(minute: Date): DuePointer[] };
  sends: SendRequestQueue & { take(): SendRequest[] };
  contacts: ContactLog;
  rates: JourneyRateCounter;
}

export interface SimulateJourneyDeps {
  /** The shop's journeys, read for a saved one. */
  journeys: JourneyStore;
  world: (definition: JourneyDefinition) => DryRunWorld;
  clock: () => Date;
}

export interface Hold {
  reason: string;
  until: string;
}

export interface SimulatedJourneyMessage {
  customerId: string;
  /** When it was queued (sent) or decided (withheld). */
  at: string;
  outcome: 'send' | 'withheld';
  reason?: string;
  step: string;
  channel: string;
  templateId: string;
  sendId: string;
  /** When the step made it, and each time the contact policy held it back before it went. */
  dueAt?: string;
  held?: Hold[];
  /** Values the template would get: the coupon, the trigger's properties, merged messages. */
  data?: Record<string, unknown>;
}

export interface JourneySimulation {
  from: string;
  to: string;
  journeyId: string;
  version: number;
  counts: Record<string, number>;
  messages: SimulatedJourneyMessage[];
  /** Messages still owed when the window ends (held past it), with the last reason. */
  pending: Array<{
    customerId: string;
    step: string;
    templateId: string;
    dueAt: string;
    until: string;
    reason?: string;
  }>;
  /** Each customer's instances at the end of the window. */
  instances: Array<{
    customerId: string;
    instanceId: string;
    status: string;
    step: string | null;
    exitReason: string | null;
  }>;
}

/** Steps (clock moves) one run may take: a journey loops only through waits, so this is far beyond any real one. */
const maxMoves = 100_000;

const prefixed = (issues: FieldIssue[], prefix: string): FieldIssue[] =>
  issues.map((i) => ({ ...i, path: i.path === '(root)' ? prefix : `${prefix}.${i.path}` }));

async function definitionOf(
  deps: SimulateJourneyDeps,
  shop: ShopSettings,
  journey: JourneySimulationRequest['journey'],
): Promise<JourneyDefinition> {
  let definition: JourneyDefinition;
  if (typeof journey === 'string') {
    try {
      definition = (await getJourney(deps, shop.shopId, journey)).definition;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new ValidationError([{ path: 'journey', message: `no journey ${journey} in this shop` }]);
    }
  } else {
    try {
      definition = parseDefinition({ version: 1, ...journey });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(prefixed(error.issues, 'journey'));
    }
  }
  const missing = missingCouponRules(definition.steps, couponRulesOf(shop), 'journey.steps');
  if (missing.length > 0) throw new ValidationError(missing);
  return definition;
}

/** The fed events, validated as POST /v1/events validates them, in time order; all within the window. */
function eventsOf(
  shop: ShopSettings,
  request: JourneySimulationRequest,
  from: Date,
  to: Date,
): StoredEvent[] {
  const raws = request.events.map((e) => ({ occurredAt: from.toISOString(), ...e }));
  const events = normalizeBatch(raws, shop, to, (i) => ['events', i]);
  const late = events.flatMap((e, index) =>
    Date.parse(e.occurredAt) > to.getTime()
      ? [{ index, path: `events.${index}.occurredAt`, message: 'after the simulated window' }]
      : [],
  );
  if (late.length > 0) throw new ValidationError(late);
  return events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
}

/** Primary course: validate everything, set up the customers, then move the clock event by event, tick by tick. */
export async function simulateJourney(
  deps: SimulateJourneyDeps,
  shop: ShopSettings,
  request: JourneySimulationRequest,
): Promise<JourneySimulation> {
  const definition = await definitionOf(deps, shop, request.journey);
  const from = new Date(request.from ?? deps.clock().toISOString());
  const to = new Date(from.getTime() + request.days * dayMs);
  const issues = request.customers.flatMap((c, i) => {
    try {
      parseTraits(shop, c.traits, ['customers', i, 'traits']);
      return [];
    } catch (error) {
      if (error instanceof ValidationError) return error.issues;
      throw error;
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  const events = eventsOf(shop, request, from, to);

  const world = deps.world(definition);
  let now = from;
  const clock = () => now;
  const runtime: FeedDeps = {
    ...world,
    enabled: async () => [definition],
    clock,
    shopSettings: async () => shop,
  };
  const changes = { profiles: world.profiles, clock, shopSettings: async () => shop };

  const messages: SimulatedJourneyMessage[] = [];
  const counts: Record<string, number> = {};
  // What each owed send went through: when it fell due, and the holds on its way.
  const seen = new Map<string, { dueAt: string; held: Hold[] }>();
  const observe = () => {
    for (const record of world.instances.all())
      for (const p of record.outbox) {
        const entry = seen.get(p.sendId) ?? { dueAt: p.action.dueAt, held: [] };
        const last = entry.held.at(-1);
        if (p.heldBy && p.notBefore !== p.action.dueAt && last?.until !== p.notBefore)
          entry.held.push({ reason: p.heldBy, until: p.notBefore });
        seen.set(p.sendId, entry);
      }
    for (const r of world.sends.take()) {
      const key = r.withheld ? `withheld:${r.withheld.reason.split(':')[0]}` : 'send';
      counts[key] = (counts[key] ?? 0) + 1;
      if (messages.length >= request.limit) continue;
      const journey = r.data?.journey as { step: string } | undefined;
      const { journey: _journey, ...data } = r.data ?? {};
      const story = seen.get(r.sendId);
      messages.push({
        customerId: r.intent.customerId,
        at: r.requestedAt,
        outcome: r.withheld ? 'withheld' : 'send',
        ...(r.withheld && { reason: r.withheld.reason }),
        step: journey?.step ?? r.intent.step,
        channel: r.channel,
        templateId: r.templateId,
        sendId: r.sendId,
        ...(story && { dueAt: story.dueAt }),
        ...(story && story.held.length > 0 && { held: story.held }),
        data,
      });
    }
  };

  for (const c of request.customers) {
    await putCustomer(changes, shop, c.customerId, c.traits);
    // As any news of a customer does: date journeys put the next birthday in the index.
    await runCustomer(runtime, shop, c.customerId, []);
  }
  let next = 0;
  for (let moves = 0; ; moves++) {
    if (moves >= maxMoves) throw new Error(`journey ${definition.id}: the dry run did not settle`);
    const eventAt = events[next] ? new Date((events[next] as StoredEvent).occurredAt) : null;
    const dueAt = world.due.nextDue();
    const at = [eventAt, dueAt].filter((d) => d !== null).sort((a, b) => a.getTime() - b.getTime())[0];
    if (!at || at.getTime() > to.getTime()) break;
    if (at.getTime() > now.getTime()) now = at;
    if (eventAt && eventAt.getTime() <= now.getTime()) {
      // Every event up to now, as one stream batch: profiles first, then journeys, then what they emitted.
      const batch: StoredEvent[] = [];
      while (events[next] && Date.parse((events[next] as StoredEvent).occurredAt) <= now.getTime())
        batch.push({ ...(events[next++] as StoredEvent), receivedAt: now.toISOString() });
      const failed = await applyNewEvents(changes, batch);
      await feedStoredEvents(runtime, batch, failed);
      for (
        let emitted = world.profiles.takeEmitted();
        emitted.length > 0;
        emitted = world.profiles.takeEmitted()
      )
        await feedStoredEvents(runtime, emitted, new Set());
    } else {
      // The tick of this minute: each customer's pointers together, as a shard runs them.
      const byCustomer = new Map<string, CustomerInput[]>();
      for (const pointer of world.due.takeDue(now))
        byCustomer.set(pointer.customerId, [
          ...(byCustomer.get(pointer.customerId) ?? []),
          { kind: 'pointer', pointer },
        ]);
      for (const [customerId, inputs] of byCustomer) await runCustomer(runtime, shop, customerId, inputs);
    }
    observe();
  }
  observe();

  const records = world.instances.all();
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    journeyId: definition.id,
    version: definition.version,
    counts,
    messages,
    pending: records.flatMap((r) =>
      r.outbox.map((p) => ({
        customerId: r.instance.customerId,
        step: p.action.step,
        templateId: p.action.template,
        dueAt: p.action.dueAt,
        until: p.notBefore,
        ...(p.heldBy && { reason: p.heldBy }),
      })),
    ),
    instances: records.map((r) => ({
      customerId: r.instance.customerId,
      instanceId: r.instance.instanceId,
      status: r.instance.status,
      step: r.instance.step,
      exitReason: r.instance.exitReason,
    })),
  };
}
