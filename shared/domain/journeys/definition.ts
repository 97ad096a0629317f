import { z } from 'zod';
import { shopEventTypes } from '../customers/events.js';
import { ValidationError } from '../errors.js';
import { activityLevels } from '../segments/features.js';
import { issuesOf } from '../validation.js';
import type { Duration } from './time.js';

/**
 * A journey definition as a shop writes it (JSON), validated with errors by path. Steps form a
 * small graph: each step goes on to the next in the list unless it names where to go. Saved
 * definitions are versioned; an instance runs on the version it started with to its end.
 */

/** Events huitou makes from what it decides itself, so every trigger starts from one event shape. */
export const syntheticEventTypes = ['segment_entered', 'segment_left', 'date_reached', 'holiday'] as const;
export const journeyEventTypes = [...shopEventTypes, 'tier_changed', ...syntheticEventTypes] as const;
const eventType = z.enum(journeyEventTypes as unknown as [string, ...string[]]);

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _');
/** Custom segment ids, and built-ins such as lifecycle:dormant or activity:warm. */
const segmentId = z.string().regex(/^[a-z0-9][a-z0-9:_-]{0,127}$/, 'a segment id');
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 hours)');
/** A dotted path into an event's properties: `orderId`, `items.0.sku`. */
const propertyPath = z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a dotted property path');

export const durationSchema = z
  .strictObject({
    days: z.number().int().min(0).max(3650).optional(),
    hours: z.number().int().min(0).max(10_000).optional(),
    minutes: z.number().int().min(0).max(100_000).optional(),
  })
  .refine((d) => (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) > 0, 'a duration longer than zero');

const filterSchema = z
  .strictObject({
    property: propertyPath,
    op: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists', 'missing']),
    value: z
      .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
      .optional(),
  })
  .superRefine((f, ctx) => {
    const ordered = f.op === 'gt' || f.op === 'gte' || f.op === 'lt' || f.op === 'lte';
    const problem =
      f.op === 'exists' || f.op === 'missing'
        ? f.value !== undefined && `${f.op} takes no value`
        : f.op === 'in'
          ? !Array.isArray(f.value) && 'in takes a list'
          : ordered
            ? typeof f.value !== 'number' && `${f.op} takes a number`
            : (f.value === undefined || Array.isArray(f.value)) && `${f.op} takes one value`;
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

/** An event the journey listens for. `key`: must carry the instance's key (same), another (other), or any. */
const eventMatchSchema = z.strictObject({
  event: eventType,
  where: z.array(filterSchema).default([]),
  key: z.enum(['same', 'other', 'any']).default('any'),
});

export const conditionStats = [
  'paidOrderCount',
  'totalSpend',
  'unpaidOrders',
  'daysSinceLastOrder',
  'daysSinceFirstOrder',
  'pAlive',
] as const;
const comparison = z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']);

export type Condition =
  | { type: 'all'; of: Condition[] }
  | { type: 'any'; of: Condition[] }
  | { type: 'not'; of: Condition }
  /** The customer did this since the instance started (any, or with the instance's key), or within the last `within`. */
  | { type: 'did'; event: string; key: 'same' | 'other' | 'any'; within?: Duration | undefined }
  | { type: 'stat'; stat: (typeof conditionStats)[number]; op: z.infer<typeof comparison>; value: number }
  | { type: 'segment'; segment: string }
  | { type: 'activity'; in: Array<(typeof activityLevels)[number]> }
  /** How many times the instance has run a step (for "up to 5 times"). */
  | { type: 'visits'; step: string; op: z.infer<typeof comparison>; value: number };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('all'), of: z.array(conditionSchema).min(1) }),
    z.strictObject({ type: z.literal('any'), of: z.array(conditionSchema).min(1) }),
    z.strictObject({ type: z.literal('not'), of: conditionSchema }),
    z.strictObject({
      type: z.literal('did'),
      event: eventType,
      key: z.enum(['same', 'other', 'any']).default('any'),
      within: durationSchema.optional(),
    }),
    z.strictObject({
      type: z.literal('stat'),
      stat: z.enum(conditionStats),
      op: comparison,
      value: z.number(),
    }),
    z.strictObject({ type: z.literal('segment'), segment: segmentId }),
    z.strictObject({ type: z.literal('activity'), in: z.array(z.enum(activityLevels)).min(1) }),
    z.strictObject({ type: z.literal('visits'), step: id, op: comparison, value: z.number().int().min(0) }),
  ]),
) as z.ZodType<Condition>;

const zone = z.enum(['shop', 'customer']);

export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('event'), event: eventType, where: z.array(filterSchema).default([]) }),
  z.strictObject({
    type: z.literal('segment'),
    segments: z.array(segmentId).min(1),
    on: z.enum(['entered', 'left']),
  }),
  z.strictObject({
    type: z.literal('date'),
    date: z.enum(['birthday', 'firstOrderAnniversary']),
    at: timeOfDay.default('09:00'),
    zone: zone.default('customer'),
  }),
  z.strictObject({
    type: z.literal('holiday'),
    /** Holiday ids of the shop calendar; all of them when left out. */
    holidays: z.array(id).min(1).optional(),
    at: timeOfDay.default('10:00'),
  }),
]);

const common = { id, next: id.optional() };

export const stepSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...common, type: z.literal('wait'), duration: durationSchema }),
  z.strictObject({ ...common, type: z.literal('waitUntil'), at: timeOfDay, zone: zone.default('shop') }),
  z.strictObject({
    ...common,
    type: z.literal('waitUntilDate'),
    date: z.enum(['predictedNextOrderAt']),
    daysBefore: z.number().int().min(0).max(365).default(0),
    at: timeOfDay.default('10:00'),
    zone: zone.default('customer'),
    /** Where to go when the customer has no such date; the journey ends when left out. */
    ifUnknown: id.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('waitForEvent'),
    ...eventMatchSchema.shape,
    timeout: durationSchema,
    onEvent: id.optional(),
    /**
     * Where to go by what the event that came says (the first route whose filters all match), e.g.
     * a delivery update by its status; onEvent (or next) when none does.
     */
    routes: z
      .array(z.strictObject({ where: z.array(filterSchema).min(1), goTo: id }))
      .max(10)
      .optional(),
    onTimeout: id.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('branch'),
    if: conditionSchema,
    goTo: id,
    else: id.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('send'),
    channel: z.enum(['email', 'sms']),
    template: id,
    purpose: z.enum(['marketing', 'transactional']),
    /** Higher goes first when messages compete for one slot. */
    priority: z.number().int().min(1).max(10).default(5),
    /** Not sent later than this after it fell due (a promotion that ends is dropped, not sent late). */
    expiresAfter: durationSchema.optional(),
    /** A coupon rule whose per-send code the message carries. */
    coupon: id.optional(),
  }),
  z.strictObject({ ...common, type: z.literal('coupon'), rule: id }),
  z.strictObject({
    ...common,
    type: z.literal('setTrait'),
    trait: propertyPath,
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  }),
  z.strictObject({ ...common, type: z.literal('exit'), reason: id.default('done') }),
]);

export const reentrySchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('never') }),
  z.strictObject({ mode: z.literal('afterDays'), days: z.number().int().min(1).max(3650) }),
  z.strictObject({ mode: z.literal('always') }),
]);

export const journeyDefinitionSchema = z
  .strictObject({
    id,
    version: z.number().int().min(1),
    name: z.string().min(1).max(200),
    trigger: triggerSchema,
    /** A property of the triggering event that keys instances: one instance per order with `orderId`. */
    instanceKey: propertyPath.optional(),
    entry: z
      .strictObject({
        when: conditionSchema.optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
      })
      .default({}),
    steps: z.array(stepSchema).min(1).max(100),
    /** Checked when an event arrives (events) and before every step (when). */
    exit: z
      .strictObject({ events: z.array(eventMatchSchema).default([]), when: conditionSchema.optional() })
      .default({
        events: [],
      }),
    reentry: reentrySchema.default({ mode: 'never' }),
    rateLimit: z.strictObject({ messagesPerSecond: z.number().positive().max(10_000) }).optional(),
  })
  .superRefine((def, ctx) => checkGraph(def, ctx));

export type JourneyDefinition = z.output<typeof journeyDefinitionSchema>;
export type JourneyDefinitionInput = z.input<typeof journeyDefinitionSchema>;
export type Step = JourneyDefinition['steps'][number];
export type Trigger = JourneyDefinition['trigger'];
export type EventMatch = z.output<typeof eventMatchSchema>;
export type PropertyFilter = z.output<typeof filterSchema>;

/**
 * Steps that always stop the run until a timer or an event: a loop through one of these cannot spin.
 * waitUntil and waitUntilDate go straight on when their time has come, so they do not count.
 */
const waitingTypes: ReadonlySet<Step['type']> = new Set(['wait', 'waitForEvent']);

/** Where a step may go next (by id); undefined means "the next step in the list". */
export function successors(step: Step): Array<string | undefined> {
  switch (step.type) {
    case 'branch':
      return [step.goTo, step.else ?? step.next];
    case 'waitForEvent':
      return [
        ...(step.routes ?? []).map((r) => r.goTo),
        step.onEvent ?? step.next,
        step.onTimeout ?? step.next,
      ];
    case 'waitUntilDate':
      return [step.next, step.ifUnknown];
    case 'exit':
      return [];
    default:
      return [step.next];
  }
}

function conditionRefs(c: Condition | undefined): string[] {
  if (!c) return [];
  switch (c.type) {
    case 'all':
    case 'any':
      return c.of.flatMap(conditionRefs);
    case 'not':
      return conditionRefs(c.of);
    case 'visits':
      return [c.step];
    default:
      return [];
  }
}

function usesKey(c: Condition | undefined): boolean {
  if (!c) return false;
  if (c.type === 'all' || c.type === 'any') return c.of.some(usesKey);
  if (c.type === 'not') return usesKey(c.of);
  return c.type === 'did' && c.key !== 'any';
}

function checkGraph(def: JourneyDefinition, ctx: z.RefinementCtx): void {
  const index = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (index.has(s.id))
      ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step ${s.id}` });
    else index.set(s.id, i);
  });
  const refFields = ['next', 'goTo', 'else', 'onEvent', 'onTimeout', 'ifUnknown'] as const;
  def.steps.forEach((s, i) => {
    for (const field of refFields) {
      const ref = (s as Record<string, unknown>)[field];
      if (typeof ref === 'string' && !index.has(ref))
        ctx.addIssue({ code: 'custom', path: ['steps', i, field], message: `no step ${ref}` });
    }
    if (s.type === 'waitForEvent')
      (s.routes ?? []).forEach((r, j) => {
        if (!index.has(r.goTo))
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'routes', j, 'goTo'],
            message: `no step ${r.goTo}`,
          });
      });
    if (s.type === 'branch')
      for (const ref of conditionRefs(s.if))
        if (!index.has(ref))
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'if'], message: `no step ${ref}` });
    const keyed = (s.type === 'waitForEvent' && s.key !== 'any') || (s.type === 'branch' && usesKey(s.if));
    if (keyed && !def.instanceKey)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', i],
        message: 'matching on the key needs an instanceKey',
      });
  });
  def.exit.events.forEach((e, i) => {
    if (e.key !== 'any' && !def.instanceKey)
      ctx.addIssue({
        code: 'custom',
        path: ['exit', 'events', i, 'key'],
        message: 'matching on the key needs an instanceKey',
      });
  });
  if (def.entry.from && def.entry.until && Date.parse(def.entry.from) >= Date.parse(def.entry.until))
    ctx.addIssue({ code: 'custom', path: ['entry', 'until'], message: 'until must be after from' });
  // A loop through steps that never wait would run without end in one advance.
  const state = new Map<number, 'open' | 'done'>();
  const visit = (i: number): boolean => {
    const step = def.steps[i];
    if (!step || waitingTypes.has(step.type) || state.get(i) === 'done') return false;
    if (state.get(i) === 'open') return true;
    state.set(i, 'open');
    const cyclic = successors(step).some((ref) => visit(ref === undefined ? i + 1 : (index.get(ref) ?? -1)));
    state.set(i, 'done');
    return cyclic;
  };
  def.steps.forEach((s, i) => {
    if (state.get(i) === undefined && visit(i))
      ctx.addIssue({
        code: 'custom',
        path: ['steps', i],
        message: `step ${s.id} is in a loop that never waits`,
      });
  });
}

/** A definition from JSON, or a ValidationError with every problem by path. */
export function parseDefinition(input: unknown): JourneyDefinition {
  const parsed = journeyDefinitionSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return parsed.data;
}
