import type { Traits } from '../customers/profile.js';
import type { ActivityLevel } from '../segments/features.js';
import type { Condition, JourneyDefinition, Step } from './definition.js';
import { messageDataOf, type TriggerMessageData } from './message-data.js';
import {
  addDays,
  addDuration,
  dayMs,
  durationMs,
  instantOf,
  localOf,
  nextTimeOfDay,
  parseTimeOfDay,
} from './time.js';
import { eventMatches, type JourneyEvent, keyOf, matchesFilter, triggerMatches } from './triggers.js';

/**
 * The journey interpreter: given an instance, the definition version it runs on, one input (an
 * event of the customer or a timer it asked for) and what is known of the customer now, it decides
 * the instance's next state and the actions to carry out. No I/O, no clock: `now` is an argument,
 * and the instance is plain JSON so the store keeps it as it is.
 */

/** A customer's earlier or current instance of a journey, for the re-entry rules. */
export interface JourneyEntry {
  instanceId: string;
  journeyId: string;
  key: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** What the interpreter reads of a customer; the use case builds it from the profile and segments. */
export interface JourneyCustomer {
  customerId: string;
  shopTimeZone: string;
  /** The customer's own IANA zone when known; the shop's is used otherwise. */
  timeZone?: string | null;
  traits: Traits;
  activity: ActivityLevel;
  segments: readonly string[];
  stats: {
    paidOrderCount: number;
    /** Currency units. */
    totalSpend: number;
    unpaidOrders: number;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
  };
  pAlive: number | null;
  predictedNextOrderAt: string | null;
  /** The customer's instances of journeys (this one's at least), for re-entry. */
  entries: readonly JourneyEntry[];
}

export interface JourneyInstance {
  /** Deterministic from the journey, customer, key and trigger: a re-delivered trigger names the same instance. */
  instanceId: string;
  journeyId: string;
  /** The definition version the instance started on and runs on to its end. */
  version: number;
  customerId: string;
  key: string | null;
  trigger: JourneyEvent;
  startedAt: string;
  status: 'active' | 'ended';
  endedAt: string | null;
  exitReason: string | null;
  /** The step to run or being waited in; null past the last step. */
  step: string | null;
  /** What the instance waits for: a timer, or an event with a timeout (`until`). */
  wait: { kind: 'timer' | 'event'; until: string } | null;
  /** Times each step has run, for idempotency keys and "up to N times". */
  visits: Record<string, number>;
  /** Events seen since the start, by type: when last, and last with the instance's key or another. */
  did: Record<string, { any: string; same?: string; other?: string }>;
  /** The latest event ids applied: a re-delivered event changes nothing. */
  handled: string[];
}

export interface SendAction {
  type: 'send';
  /** Unique per intended send; the sender keys at-most-once delivery and coupon codes on it. */
  idempotencyKey: string;
  journeyId: string;
  version: number;
  step: string;
  customerId: string;
  channel: 'email' | 'sms';
  template: string;
  purpose: 'marketing' | 'transactional';
  priority: number;
  dueAt: string;
  expiresAt: string | null;
  /** A coupon rule whose code (derived from idempotencyKey) the message carries. */
  couponRule: string | null;
  /** For the template: the instance key, the trigger's properties, and the order or tier they name. */
  data: { key: string | null; trigger: Readonly<Record<string, unknown>> } & TriggerMessageData;
}

export type JourneyAction =
  | SendAction
  | { type: 'issueCoupon'; idempotencyKey: string; ruleId: string; customerId: string }
  | { type: 'setTrait'; customerId: string; trait: string; value: string | number | boolean | null }
  /** Call advance with {timerFired: at} at this instant. */
  | { type: 'wakeAt'; at: string }
  /** A wake-up no longer wanted (its event came, or the instance ended); firing it anyway is harmless. */
  | { type: 'cancelWake'; at: string }
  | { type: 'exit'; reason: string };

export type JourneyInput = { event: JourneyEvent } | { timerFired: string };

export interface Advance {
  instance: JourneyInstance;
  actions: JourneyAction[];
}

/** More steps than any valid definition runs in one go; the schema rejects loops that never wait. */
const maxStepsPerAdvance = 200;
const handledKept = 50;

function stepIndex(def: JourneyDefinition): Map<string, number> {
  return new Map(def.steps.map((s, i) => [s.id, i]));
}

function compare(a: number | null, op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', b: number): boolean {
  // An unknown figure (no order yet, no model) satisfies no comparison.
  if (a === null) return false;
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
  }
}

function daysSince(iso: string | null, now: Date): number | null {
  return iso === null ? null : (now.getTime() - Date.parse(iso)) / dayMs;
}

export function evaluate(c: Condition, inst: JourneyInstance, customer: JourneyCustomer, now: Date): boolean {
  switch (c.type) {
    case 'all':
      return c.of.every((x) => evaluate(x, inst, customer, now));
    case 'any':
      return c.of.some((x) => evaluate(x, inst, customer, now));
    case 'not':
      return !evaluate(c.of, inst, customer, now);
    case 'did': {
      const at = inst.did[c.event]?.[c.key];
      if (at === undefined) return false;
      return !c.within || Date.parse(at) > now.getTime() - durationMs(c.within);
    }
    case 'segment':
      return customer.segments.includes(c.segment);
    case 'activity':
      return c.in.includes(customer.activity);
    case 'visits':
      return compare(inst.visits[c.step] ?? 0, c.op, c.value);
    case 'stat': {
      const s = customer.stats;
      const value =
        c.stat === 'pAlive'
          ? customer.pAlive
          : c.stat === 'daysSinceLastOrder'
            ? daysSince(s.lastOrderAt, now)
            : c.stat === 'daysSinceFirstOrder'
              ? daysSince(s.firstOrderAt, now)
              : s[c.stat];
      return compare(value, c.op, c.value);
    }
  }
}

function zoneOf(zone: 'shop' | 'customer', customer: JourneyCustomer): string {
  return zone === 'customer' ? (customer.timeZone ?? customer.shopTimeZone) : customer.shopTimeZone;
}

function end(inst: JourneyInstance, reason: string, now: Date, actions: JourneyAction[]): void {
  if (inst.wait) actions.push({ type: 'cancelWake', at: inst.wait.until });
  inst.status = 'ended';
  inst.endedAt = now.toISOString();
  inst.exitReason = reason;
  inst.step = null;
  inst.wait = null;
  actions.push({ type: 'exit', reason });
}

/** The step after `step` in the list, or null past the last. */
function following(def: JourneyDefinition, index: Map<string, number>, step: Step): string | null {
  return def.steps[(index.get(step.id) ?? -1) + 1]?.id ?? null;
}

function goTo(
  inst: JourneyInstance,
  def: JourneyDefinition,
  index: Map<string, number>,
  step: Step,
  ref: string | undefined,
): void {
  inst.step = ref ?? following(def, index, step);
}

function waitFor(
  inst: JourneyInstance,
  kind: 'timer' | 'event',
  until: Date,
  actions: JourneyAction[],
): void {
  inst.wait = { kind, until: until.toISOString() };
  actions.push({ type: 'wakeAt', at: inst.wait.until });
}

/**
 * Runs steps from the current one until the instance waits or ends. Waits of a duration count from
 * `from`: the instant the timer that resumed the instance was due, so a tick's lateness (up to its
 * minute) does not add up over a journey's waits; now otherwise.
 */
function run(
  inst: JourneyInstance,
  def: JourneyDefinition,
  customer: JourneyCustomer,
  now: Date,
  actions: JourneyAction[],
  from: Date = now,
): void {
  const index = stepIndex(def);
  const shopZone = customer.shopTimeZone;
  for (let n = 0; inst.status === 'active' && inst.wait === null; n++) {
    if (n >= maxStepsPerAdvance) {
      end(inst, 'runaway', now, actions);
      break;
    }
    if (def.exit.when && evaluate(def.exit.when, inst, customer, now)) {
      end(inst, 'exit-condition', now, actions);
      break;
    }
    const step = inst.step === null ? undefined : def.steps[index.get(inst.step) ?? -1];
    if (!step) {
      end(inst, 'completed', now, actions);
      break;
    }
    const visit = (inst.visits[step.id] ?? 0) + 1;
    inst.visits[step.id] = visit;
    const next = () => goTo(inst, def, index, step, step.next);
    switch (step.type) {
      case 'wait':
        waitFor(inst, 'timer', addDuration(from, step.duration, shopZone), actions);
        break;
      case 'waitUntil': {
        const at = nextTimeOfDay(now, parseTimeOfDay(step.at), zoneOf(step.zone, customer));
        if (at.getTime() > now.getTime()) waitFor(inst, 'timer', at, actions);
        else next();
        break;
      }
      case 'waitUntilDate': {
        const date = customer.predictedNextOrderAt;
        // A predicted date already past is stale (predicted before the latest order): as good as none.
        if (!date || Date.parse(date) <= now.getTime()) {
          if (step.ifUnknown) goTo(inst, def, index, step, step.ifUnknown);
          else end(inst, 'unknown-date', now, actions);
          break;
        }
        const zone = zoneOf(step.zone, customer);
        const day = addDays(localOf(new Date(date), zone), -step.daysBefore);
        const at = instantOf({ ...day, ...parseTimeOfDay(step.at) }, zone);
        if (at.getTime() > now.getTime()) waitFor(inst, 'timer', at, actions);
        else next();
        break;
      }
      case 'waitForEvent':
        waitFor(inst, 'event', addDuration(from, step.timeout, shopZone), actions);
        break;
      case 'branch':
        goTo(
          inst,
          def,
          index,
          step,
          evaluate(step.if, inst, customer, now) ? step.goTo : (step.else ?? step.next),
        );
        break;
      case 'send': {
        const idempotencyKey = `${inst.instanceId}#${step.id}#${visit}`;
        actions.push({
          type: 'send',
          idempotencyKey,
          journeyId: inst.journeyId,
          version: inst.version,
          step: step.id,
          customerId: inst.customerId,
          channel: step.channel,
          template: step.template,
          purpose: step.purpose,
          priority: step.priority,
          dueAt: now.toISOString(),
          expiresAt: step.expiresAfter ? addDuration(now, step.expiresAfter, shopZone).toISOString() : null,
          couponRule: step.coupon ?? null,
          data: { key: inst.key, trigger: inst.trigger.properties, ...messageDataOf(inst.trigger) },
        });
        next();
        break;
      }
      case 'coupon':
        actions.push({
          type: 'issueCoupon',
          idempotencyKey: `${inst.instanceId}#${step.id}#${visit}`,
          ruleId: step.rule,
          customerId: inst.customerId,
        });
        next();
        break;
      case 'setTrait':
        actions.push({ type: 'setTrait', customerId: inst.customerId, trait: step.trait, value: step.value });
        next();
        break;
      case 'exit':
        end(inst, step.reason, now, actions);
        break;
    }
  }
}

function remember(inst: JourneyInstance, def: JourneyDefinition, event: JourneyEvent): void {
  inst.handled = [...inst.handled, event.id].slice(-handledKept);
  const k = keyOf(def, event);
  const seen = { ...inst.did[event.type], any: event.occurredAt };
  if (k !== null && inst.key !== null) seen[k === inst.key ? 'same' : 'other'] = event.occurredAt;
  inst.did = { ...inst.did, [event.type]: seen };
}

/** The instance id a trigger would start: one per journey, customer, key and triggering event. */
export function instanceIdOf(def: JourneyDefinition, customerId: string, trigger: JourneyEvent): string {
  return `${def.id}#${customerId}#${keyOf(def, trigger) ?? '-'}#${trigger.id}`;
}

/**
 * Starts an instance for a trigger, or null when the trigger does not fit, the definition keys
 * instances and the event carries no key, the entry window or condition says no, or the re-entry
 * rule refuses (an instance for the same key still running, or one started by this very event,
 * counts as refusal, whatever the rule).
 * The instance runs at once up to its first wait.
 */
export function start(
  def: JourneyDefinition,
  trigger: JourneyEvent,
  customer: JourneyCustomer,
  now: Date,
): Advance | null {
  if (!triggerMatches(def.trigger, trigger)) return null;
  const key = keyOf(def, trigger);
  if (def.instanceKey && key === null) return null;
  const t = now.getTime();
  if (def.entry.from && t < Date.parse(def.entry.from)) return null;
  if (def.entry.until && t >= Date.parse(def.entry.until)) return null;
  const instanceId = instanceIdOf(def, customer.customerId, trigger);
  const earlier = customer.entries.filter((e) => e.journeyId === def.id && e.key === key);
  // The same trigger again (re-delivered) is never a new entry, whatever the re-entry rule.
  if (earlier.some((e) => e.endedAt === null || e.instanceId === instanceId)) return null;
  const reentry = def.reentry;
  if (reentry.mode === 'never' && earlier.length > 0) return null;
  if (reentry.mode === 'afterDays') {
    const last = Math.max(...earlier.map((e) => Date.parse(e.startedAt)));
    if (t - last < reentry.days * dayMs) return null;
  }
  const instance: JourneyInstance = {
    instanceId,
    journeyId: def.id,
    version: def.version,
    customerId: customer.customerId,
    key,
    trigger,
    startedAt: now.toISOString(),
    status: 'active',
    endedAt: null,
    exitReason: null,
    step: def.steps[0]?.id ?? null,
    wait: null,
    visits: {},
    did: {},
    handled: [trigger.id],
  };
  if (def.entry.when && !evaluate(def.entry.when, instance, customer, now)) return null;
  const actions: JourneyAction[] = [];
  run(instance, def, customer, now, actions);
  return { instance, actions };
}

/**
 * Moves an instance on by one input. An event is recorded, ends the instance when it is an exit
 * event, and resumes a wait for it; a timer resumes the wait it was set for. Anything else (an
 * event or timer seen before, a timer for a wait already over, an ended instance) changes nothing.
 */
export function advance(
  instance: JourneyInstance,
  def: JourneyDefinition,
  input: JourneyInput,
  customer: JourneyCustomer,
  now: Date,
): Advance {
  if (def.id !== instance.journeyId || def.version !== instance.version)
    throw new Error(`instance ${instance.instanceId} runs on ${instance.journeyId}@${instance.version}`);
  const unchanged = { instance, actions: [] };
  if (instance.status !== 'active') return unchanged;
  const inst = structuredClone(instance);
  const actions: JourneyAction[] = [];
  const current = inst.step === null ? undefined : def.steps.find((s) => s.id === inst.step);
  if ('event' in input) {
    const event = input.event;
    if (inst.handled.includes(event.id)) return unchanged;
    remember(inst, def, event);
    const exit = def.exit.events.find((m) => eventMatches(m, event, def, inst.key));
    if (exit) {
      end(inst, `event:${event.type}`, now, actions);
      return { instance: inst, actions };
    }
    if (
      inst.wait?.kind === 'event' &&
      current?.type === 'waitForEvent' &&
      eventMatches(current, event, def, inst.key)
    ) {
      actions.push({ type: 'cancelWake', at: inst.wait.until });
      inst.wait = null;
      const route = current.routes?.find((r) => r.where.every((f) => matchesFilter(event.properties, f)));
      goTo(inst, def, stepIndex(def), current, route?.goTo ?? current.onEvent ?? current.next);
      run(inst, def, customer, now, actions);
    }
    return { instance: inst, actions };
  }
  if (!inst.wait || inst.wait.until !== input.timerFired || now.getTime() < Date.parse(inst.wait.until))
    return unchanged;
  if (!current) throw new Error(`instance ${inst.instanceId} waits in no step`);
  const resumeAt =
    inst.wait.kind === 'event' && current.type === 'waitForEvent' ? current.onTimeout : undefined;
  const dueAt = new Date(inst.wait.until);
  inst.wait = null;
  goTo(inst, def, stepIndex(def), current, resumeAt ?? current.next);
  run(inst, def, customer, now, actions, dueAt);
  return { instance: inst, actions };
}
