import { fromMinorUnits } from '../../domain/customers/money.js';
import type { Profile, Traits } from '../../domain/customers/profile.js';
import { type DueMessage, decide } from '../../domain/journeys/contact-policy.js';
import { type CouponRule, couponCode } from '../../domain/journeys/coupons.js';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import {
  type Advance,
  advance,
  type JourneyCustomer,
  type JourneyInput,
  start,
} from '../../domain/journeys/interpreter.js';
import { counterOf, rateBudget, rateSlot } from '../../domain/journeys/rate-limit.js';
import { dayMs } from '../../domain/journeys/time.js';
import { type JourneyEvent, nextDateTrigger } from '../../domain/journeys/triggers.js';
import { activityLevel, customerInputOf, defaultActivity } from '../../domain/segments/features.js';
import { predictionOf } from '../../domain/segments/predictions/from-profile.js';
import type { CustomerPrediction, ShopModel } from '../../domain/segments/predictions/predict.js';
import { isHeldOut, isInGlobalControl } from '../../domain/sending/holdout.js';
import { type SendIntent, sendIdOf } from '../../domain/sending/send-identity.js';
import type { SendRequest } from '../../domain/sending/send-request.js';
import { minuteKey } from '../../domain/shops/schedule.js';
import { contactPolicyOf, couponRulesOf, type ShopSettings, tierBenefits } from '../../domain/shops/shop.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';
import type { DueIndex, DuePointer } from '../../ports/journeys/due-index.js';
import type {
  InstanceRecord,
  JourneyInstanceStore,
  PendingSend,
} from '../../ports/journeys/instance-store.js';
import type { JourneyStore } from '../../ports/journeys/journey-store.js';
import type { JourneyRateCounter } from '../../ports/journeys/rate-counter.js';
import type { SendRequestQueue } from '../../ports/sending/send-queue.js';
import type { ContactLog } from '../../ports/sending/send-records.js';
import { changeCustomer } from '../customers/change-customers.js';
import { definitionOf } from './journey-definitions.js';

/**
 * The journey runtime for one customer: inputs (events, fired timers, date triggers, a dispatch)
 * move the customer's instances on, the interpreter's actions are kept with the instance (sends and
 * traits in its outbox, timers as pointers in the due index), and the outbox is dispatched through
 * the contact policy into send requests. Order of writes, so a crash anywhere loses nothing and
 * repeats nothing that matters: pointers first (a pointer for a wait never saved fires harmlessly),
 * then the instances (conditional on their revision), then the send requests (keyed by sendId, so a
 * repeat is one send), then the outbox emptied.
 */

export interface RuntimeDeps {
  journeys: JourneyStore;
  /** The shop's enabled journeys, latest versions (from a short cache on the stream path). */
  enabled: (shopId: string) => Promise<JourneyDefinition[]>;
  instances: JourneyInstanceStore;
  /** Only writes: the tick reads the index (TickDeps), a dry run keeps its own in memory. */
  due: Pick<DueIndex, 'add' | 'remove'>;
  sends: SendRequestQueue;
  contacts: ContactLog;
  /** Profiles are read for the customer view; traits are set through the customer change. */
  profiles: ProfileStore;
  clock: () => Date;
  /** Counts each journey's sends per minute, for the journeys with a rate limit. */
  rates: JourneyRateCounter;
  /**
   * The shop's repurchase model (the nightly refresh fits it), for the predictions journeys read:
   * the predicted next order, P(alive). Left out, or before a first refresh, they are unknown.
   */
  model?: (shopId: string) => Promise<ShopModel | null>;
}

export type CustomerInput = { kind: 'event'; event: JourneyEvent } | { kind: 'pointer'; pointer: DuePointer };

/** Longest cap window of the policy, for the history read. */
const historyDays = 31;
const maxAttempts = 5;

function customerView(
  profile: Profile,
  shop: ShopSettings,
  records: readonly InstanceRecord[],
  now: Date,
  prediction: CustomerPrediction | null,
): JourneyCustomer {
  const input = customerInputOf(profile, shop.timeZone, now);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    customerId: profile.customerId,
    shopTimeZone: shop.timeZone,
    timeZone: profile.traits.timeZone ?? null,
    traits: profile.traits,
    activity: activityLevel(input, defaultActivity, now.getTime()),
    segments: profile.segments,
    stats: {
      paidOrderCount: input.paidOrderCount,
      totalSpend: fromMinorUnits(input.totalSpend),
      unpaidOrders: input.unpaidOrders,
      firstOrderAt: iso(input.firstOrderAt),
      lastOrderAt: iso(input.lastOrderAt),
    },
    pAlive: prediction?.pAlive ?? null,
    predictedNextOrderAt: prediction?.nextOrderAt ?? null,
    entries: records.map((r) => ({
      instanceId: r.instance.instanceId,
      journeyId: r.instance.journeyId,
      key: r.instance.key,
      startedAt: r.instance.startedAt,
      endedAt: r.instance.endedAt,
    })),
  };
}

/** The send's identity: the step, and the instance (with the round when the step runs again). */
export function intentOf(shopId: string, customerId: string, key: string): SendIntent {
  // The interpreter's key is `<instanceId>#<step>#<visit>`; the instance id has # in it too.
  const parts = key.split('#');
  const visit = parts.pop() as string;
  const step = parts.pop() as string;
  const instanceId = parts.join('#');
  const journeyId = instanceId.split('#')[0] as string;
  return {
    shopId,
    customerId,
    source: { kind: 'journey', journeyId },
    step,
    occurrence: visit === '1' ? instanceId : `${instanceId}#${visit}`,
  };
}

interface Work {
  records: Map<string, InstanceRecord>;
  changed: Set<string>;
  add: DuePointer[];
  remove: DuePointer[];
}

function applyAdvance(
  work: Work,
  shop: ShopSettings,
  result: Advance,
  rev: number,
  secret: string,
  now: Date,
): void {
  const inst = result.instance;
  const record: InstanceRecord = work.records.get(inst.instanceId) ?? {
    instance: inst,
    rev,
    outbox: [],
    traits: [],
  };
  record.instance = inst;
  // Sends owed from earlier inputs: an exit now withdraws those, not the ones this advance decided.
  const owedBefore = record.outbox.slice();
  const pointer = (at: string): DuePointer => ({
    shopId: shop.shopId,
    customerId: inst.customerId,
    at,
    ref: { kind: 'wake', instanceId: inst.instanceId },
  });
  const rules = couponRulesOf(shop);
  const couponOf = (rule: CouponRule, key: string) => ({
    code: couponCode(secret, key, rule.prefix),
    ruleId: rule.id,
    validUntil: new Date(now.getTime() + rule.validDays * dayMs).toISOString(),
  });
  for (const a of result.actions) {
    switch (a.type) {
      case 'send': {
        const sendId = sendIdOf(intentOf(shop.shopId, inst.customerId, a.idempotencyKey));
        const rule = a.couponRule ? rules.find((r) => r.id === a.couponRule) : undefined;
        record.outbox.push({
          sendId,
          action: a,
          notBefore: a.dueAt,
          coupon: rule && couponOf(rule, sendId),
          // The shop removed the rule since this version was saved: no message without its code.
          ...(a.couponRule && !rule && { withdrawn: `no-coupon-rule:${a.couponRule}` }),
        });
        break;
      }
      case 'issueCoupon': {
        // A coupon step's code goes out with the instance's next send (none when the rule is gone).
        const rule = rules.find((r) => r.id === a.ruleId);
        if (rule) record.coupon = couponOf(rule, a.idempotencyKey);
        break;
      }
      case 'setTrait':
        record.traits.push({ trait: a.trait, value: a.value });
        break;
      case 'wakeAt':
        work.add.push(pointer(a.at));
        break;
      case 'cancelWake':
        work.remove.push(pointer(a.at));
        break;
      case 'exit':
        // What it had not sent yet is withdrawn, and recorded as such by dispatch.
        if (a.reason !== 'completed') for (const p of owedBefore) p.withdrawn ??= `exited:${a.reason}`;
        break;
    }
  }
  work.records.set(inst.instanceId, record);
  work.changed.add(inst.instanceId);
}

/** The definitions the customer's instances run on, and the enabled ones, by `<id>@<version>`. */
async function definitionsFor(
  deps: RuntimeDeps,
  shopId: string,
  records: readonly InstanceRecord[],
  enabled: readonly JourneyDefinition[],
): Promise<Map<string, JourneyDefinition>> {
  const defs = new Map(enabled.map((d) => [`${d.id}@${d.version}`, d]));
  for (const r of records) {
    const k = `${r.instance.journeyId}@${r.instance.version}`;
    // Active ones to advance, ended ones that still owe sends for their rate limit.
    if (defs.has(k) || (r.instance.status !== 'active' && r.outbox.length === 0)) continue;
    const def = await definitionOf(deps.journeys, shopId, r.instance.journeyId, r.instance.version);
    if (def) defs.set(k, def);
  }
  return defs;
}

function dateCustomer(shop: ShopSettings, profile: Profile, now: Date) {
  const first = customerInputOf(profile, shop.timeZone, now).firstOrderAt;
  return {
    customerId: profile.customerId,
    traits: profile.traits,
    firstOrderAt: first === null ? null : new Date(first).toISOString(),
    shopTimeZone: shop.timeZone,
  };
}

/** The date pointers the enabled date journeys want for this customer: the next birthday, and so on. */
function datePointers(
  shop: ShopSettings,
  profile: Profile,
  enabled: readonly JourneyDefinition[],
  after: Date,
): DuePointer[] {
  return enabled.flatMap((def) => {
    if (def.trigger.type !== 'date') return [];
    const next = nextDateTrigger(def.trigger, dateCustomer(shop, profile, after), after);
    if (!next) return [];
    const ref = { kind: 'date' as const, journeyId: def.id };
    return [{ shopId: shop.shopId, customerId: profile.customerId, at: next.at.toISOString(), ref }];
  });
}

async function readProfile(deps: RuntimeDeps, shopId: string, customerId: string): Promise<Profile | null> {
  const stored = (await deps.profiles.getProfiles(shopId, [customerId])).get(customerId);
  return stored && !stored.mergedInto ? stored.profile : null;
}

/**
 * Primary course: moves a customer's journeys on by the inputs and dispatches what is due. Returns
 * the send requests queued (sent or withheld). A lost race re-reads and decides again: the
 * interpreter ignores inputs an instance has seen, so nothing is applied twice.
 */
export async function runCustomer(
  deps: RuntimeDeps,
  shop: ShopSettings,
  customerId: string,
  inputs: readonly CustomerInput[],
): Promise<SendRequest[]> {
  const enabled = await deps.enabled(shop.shopId);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const profile = await readProfile(deps, shop.shopId, customerId);
    // A customer erased or merged away has no journeys to run here.
    if (!profile) return [];
    const now = deps.clock();
    const stored = await deps.instances.ofCustomer(shop.shopId, customerId);
    const work: Work = {
      records: new Map(stored.map((r) => [r.instance.instanceId, r])),
      changed: new Set(),
      add: [],
      remove: [],
    };
    const defs = await definitionsFor(deps, shop.shopId, stored, enabled);
    const secret = await deps.journeys.couponSecret(shop.shopId);
    const model = (await deps.model?.(shop.shopId)) ?? null;
    const prediction = model ? predictionOf(model, profile.activity, shop.timeZone, now.toISOString()) : null;
    const view = () => customerView(profile, shop, [...work.records.values()], now, prediction);
    const step = (record: InstanceRecord, input: JourneyInput) => {
      const def = defs.get(`${record.instance.journeyId}@${record.instance.version}`);
      if (!def || record.instance.status !== 'active') return;
      const result = advance(record.instance, def, input, view(), now);
      if (result.instance !== record.instance) applyAdvance(work, shop, result, record.rev, secret, now);
    };
    const startAll = (event: JourneyEvent, only?: string) => {
      for (const def of enabled) {
        if (only !== undefined && def.id !== only) continue;
        const started = start(def, event, view(), now);
        if (started) applyAdvance(work, shop, started, 0, secret, now);
      }
    };
    let dispatchAsked = false;
    for (const input of inputs) {
      if (input.kind === 'event') {
        for (const record of [...work.records.values()]) step(record, { event: input.event });
        startAll(input.event);
        continue;
      }
      const { pointer } = input;
      const ref = pointer.ref;
      if (ref.kind === 'wake') {
        const record = work.records.get(ref.instanceId);
        if (record) step(record, { timerFired: pointer.at });
      } else if (ref.kind === 'dispatch') dispatchAsked = true;
      else {
        const def = enabled.find((d) => d.id === ref.journeyId);
        const at = new Date(Date.parse(pointer.at) - 1);
        const trigger =
          def?.trigger.type === 'date'
            ? nextDateTrigger(def.trigger, dateCustomer(shop, profile, now), at)
            : null;
        // Only if the date still comes round then: the birthday may have changed since.
        if (trigger && trigger.at.toISOString() === pointer.at) startAll(trigger.event, ref.journeyId);
      }
    }
    // Date journeys: the next occurrence is always in the index (writing it again is the same pointer).
    work.add.push(...datePointers(shop, profile, enabled, new Date(now.getTime() + 60_000)));
    const changed = [...work.changed].map((id) => work.records.get(id) as InstanceRecord);
    if (work.add.length > 0) await deps.due.add(work.add);
    let lost = false;
    for (const record of changed) {
      if (await deps.instances.save(shop.shopId, record)) record.rev += 1;
      else lost = true;
    }
    if (lost) continue;
    if (work.remove.length > 0) await deps.due.remove(work.remove);
    const all = [...work.records.values()];
    // Whatever is owed now goes, whoever asked: a run that died after saving and before dispatching
    // is repeated by its caller (the stream's retry, the tick's unmoved cursor, a queue's redelivery),
    // and that repeat finds the outbox here, so no pointer is written to guard it.
    const nowIso = now.toISOString();
    const owes = all.some((r) => r.traits.length > 0 || r.outbox.some((p) => p.notBefore <= nowIso));
    if (!dispatchAsked && !owes) return [];
    const outcome = await dispatch(deps, shop, profile, all, defs, now);
    if (outcome !== 'conflict') return outcome;
  }
  throw new Error(`journeys of customer ${customerId} of shop ${shop.shopId}: too many concurrent changes`);
}

function requestOf(shop: ShopSettings, customerId: string, p: PendingSend, now: Date): SendRequest {
  const a = p.action;
  // The benefits are the shop's, as its settings say when the notice goes.
  const tierChange = a.data.tierChange && {
    ...a.data.tierChange,
    benefits: tierBenefits(shop, a.data.tierChange.to),
  };
  return {
    sendId: p.sendId,
    intent: intentOf(shop.shopId, customerId, a.idempotencyKey),
    channel: a.channel,
    purpose: a.purpose,
    templateId: a.template,
    data: {
      ...a.data,
      ...(tierChange ? { tierChange } : {}),
      journey: { journeyId: a.journeyId, version: a.version, step: a.step },
      ...(p.coupon ? { coupon: p.coupon } : {}),
    },
    ...(a.expiresAt ? { expiresAt: a.expiresAt } : {}),
    requestedAt: now.toISOString(),
  };
}

/**
 * The customer's owed sends through holdouts and the contact policy: what goes and what is
 * withheld (with its reason) becomes a send request; what is deferred stays owed, with a pointer
 * at its slot. Traits owed are set first.
 */
async function dispatch(
  deps: RuntimeDeps,
  shop: ShopSettings,
  profile: Profile,
  records: InstanceRecord[],
  defs: ReadonlyMap<string, JourneyDefinition>,
  now: Date,
): Promise<SendRequest[] | 'conflict'> {
  const customerId = profile.customerId;
  const traits = records.flatMap((r) => r.traits);
  if (traits.length > 0)
    await changeCustomer({ profiles: deps.profiles, clock: deps.clock }, shop, {
      customerId,
      identities: [],
      events: [],
      patchTraits: (current: Traits) => {
        const next: Record<string, unknown> = { ...current };
        for (const t of traits) next[t.trait] = t.value;
        return next as Traits;
      },
    });
  const owed = records.flatMap((r) => r.outbox.map((p) => ({ record: r, p })));
  const recordOf = new Map(owed.map(({ record, p }) => [p.sendId, record]));
  const requests: SendRequest[] = [];
  const settled = new Set<string>();
  const touched = new Set<InstanceRecord>(records.filter((r) => r.traits.length > 0));
  const settle = (p: PendingSend) => {
    settled.add(p.sendId);
    touched.add(recordOf.get(p.sendId) as InstanceRecord);
  };
  const withhold = (p: PendingSend, reason: string) => {
    requests.push({ ...requestOf(shop, customerId, p, now), withheld: { reason } });
    settle(p);
  };
  const candidates: PendingSend[] = [];
  for (const { record, p } of owed) {
    const a = p.action;
    if (p.withdrawn) withhold(p, p.withdrawn);
    else {
      if (record.coupon && !p.coupon && a.purpose === 'marketing') p.coupon = record.coupon;
      candidates.push(p);
    }
  }
  const policy = contactPolicyOf(shop);
  const messages: DueMessage[] = [];
  for (const p of candidates) {
    const a = p.action;
    // Care messages are never held out: a buyer expects them.
    if (a.purpose === 'marketing' && isInGlobalControl(shop.shopId, customerId))
      withhold(p, 'global-control');
    else if (
      a.purpose === 'marketing' &&
      isHeldOut(shop.shopId, customerId, { journeyId: a.journeyId, stepId: a.step })
    )
      withhold(p, 'held-out');
    else
      messages.push({
        messageId: p.sendId,
        customerId,
        channel: a.channel,
        purpose: a.purpose,
        priority: a.priority,
        dueAt: p.notBefore,
        expiresAt: a.expiresAt,
      });
  }
  const byId = new Map(candidates.map((p) => [p.sendId, p]));
  const deferred: DuePointer[] = [];
  if (messages.length > 0) {
    const since = new Date(now.getTime() - historyDays * dayMs).toISOString();
    const sent = await deps.contacts.sentSince(shop.shopId, customerId, since);
    const input = customerInputOf(profile, shop.timeZone, now);
    const contact = {
      customerId,
      activity: activityLevel(input, defaultActivity, now.getTime()),
      traits: profile.traits,
      sent,
    };
    const decisions = decide(messages, contact, policy, now);
    // The journey's rate limit, last: only what would go now takes a place in its minute's budget.
    const rateHeld = new Map<string, string>();
    for (const d of decisions)
      if (d.outcome === 'send') {
        const action = (byId.get(d.messageId) as PendingSend).action;
        const rate = defs.get(`${action.journeyId}@${action.version}`)?.rateLimit?.messagesPerSecond;
        if (rate === undefined) continue;
        const budget = rateBudget(rate);
        const minute = minuteKey(now);
        const counter = counterOf(customerId, budget);
        const claimed = await deps.rates.claim(shop.shopId, action.journeyId, minute, counter);
        const slot = rateSlot(claimed, budget, new Date(`${minute}:00.000Z`));
        if (slot.getTime() > now.getTime()) rateHeld.set(d.messageId, slot.toISOString());
      }
    const defer = (p: PendingSend, until: string, reason: string) => {
      if (p.notBefore === until) return;
      p.notBefore = until;
      p.heldBy = reason;
      touched.add(recordOf.get(p.sendId) as InstanceRecord);
      deferred.push({ shopId: shop.shopId, customerId, at: until, ref: { kind: 'dispatch' } });
    };
    for (const d of decisions) {
      const p = byId.get(d.messageId) as PendingSend;
      // Over the rate: the message and those merged into it wait together for the slot.
      const overRate = rateHeld.get(d.outcome === 'merged' ? d.into : d.messageId);
      if (overRate && (d.outcome === 'send' || d.outcome === 'merged')) defer(p, overRate, 'rate-limit');
      else if (d.outcome === 'send') {
        // A code held back by the policy is valid for its full days from when it goes out.
        const rule = p.coupon && couponRulesOf(shop).find((r) => r.id === p.coupon?.ruleId);
        if (p.coupon && rule)
          p.coupon = {
            ...p.coupon,
            validUntil: new Date(now.getTime() + rule.validDays * dayMs).toISOString(),
          };
        const request = requestOf(shop, customerId, p, now);
        if (d.merged.length > 0)
          request.data = {
            ...request.data,
            merged: d.merged.map((id) => {
              const m = byId.get(id) as PendingSend;
              return {
                sendId: id,
                templateId: m.action.template,
                data: requestOf(shop, customerId, m, now).data,
              };
            }),
          };
        requests.push(request);
        settle(p);
        const record = recordOf.get(p.sendId) as InstanceRecord;
        const monthAgo = new Date(now.getTime() - historyDays * dayMs).toISOString();
        record.sent = [
          ...(record.sent ?? []).filter((s) => s.at >= monthAgo),
          { at: now.toISOString(), channel: p.action.channel, purpose: p.action.purpose },
        ];
      } else if (d.outcome === 'merged') withhold(p, `merged:${d.into}`);
      else if (d.outcome === 'drop') withhold(p, d.reason);
      else defer(p, d.until, d.reason);
    }
  }
  if (deferred.length > 0) await deps.due.add(deferred);
  if (requests.length > 0) {
    await deps.sends.enqueue(requests);
    // Counted against the customer's caps from now, by journeys and campaigns alike.
    await Promise.all(
      requests
        .filter((r) => !r.withheld)
        .map((r) =>
          deps.contacts.record(shop.shopId, customerId, {
            sendId: r.sendId,
            at: now.toISOString(),
            channel: r.channel,
            purpose: r.purpose,
          }),
        ),
    );
  }
  for (const record of touched) {
    record.outbox = record.outbox.filter((p) => !settled.has(p.sendId));
    record.traits = [];
    if (!(await deps.instances.save(shop.shopId, record))) return 'conflict';
    record.rev += 1;
  }
  return requests;
}
