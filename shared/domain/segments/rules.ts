import { z } from 'zod';
import { toMinorUnits } from '../customers/money.js';
import { type FieldIssue, ValidationError } from '../errors.js';
import { issuesOf } from '../validation.js';
import {
  type ActivityLevel,
  activityLevels,
  type CustomerInput,
  dayMs,
  type LifecycleStage,
  lifecycleStages,
  type RfmCell,
  rfmCells,
} from './features.js';

/**
 * Custom segments: a JSON rule language a shop writes, validated with errors by path, compiled once
 * into a predicate the refresh runs per customer. Money in rules is in currency units (79.5 = 79.50);
 * the features it reads are in minor units, converted once at compile time.
 */

/** What a rule reads of one customer: its input and the built-in features computed from it. */
export interface CustomerFeatures {
  input: CustomerInput;
  /** Quintile scores 1-5; 0 for a customer with no paid order (not ranked). */
  recency: number;
  frequency: number;
  monetary: number;
  rfmCell: RfmCell | null;
  lifecycle: LifecycleStage;
  activity: ActivityLevel;
  gold: boolean;
  discountShare: number;
  saleDayOneTimer: boolean;
  priceSensitive: boolean;
  pAlive: number | null;
}

export interface RuleContext {
  nowMs: number;
  /** Whether the customer belongs to another segment (custom or built-in), by id. */
  isMember: (segmentId: string) => boolean;
}

const comparisons = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
type Comparison = (typeof comparisons)[number];

/**
 * Stats a rule may compare. Money in currency units; days are fractional days before now, except
 * daysUntilPredictedOrder: days after now (negative when overdue), missing without a prediction.
 */
/** Stats set by the customer's own events alone: they move only when an event arrives. */
export const liveRuleStats = [
  'paidOrderCount',
  'totalSpend',
  'averageOrderValue',
  'purchaseDays',
  'discountShare',
  'unpaidOrders',
] as const;

export const ruleStats = [
  ...liveRuleStats,
  'daysSinceLastOrder',
  'daysSinceFirstOrder',
  'daysSinceLastSeen',
  'daysUntilPredictedOrder',
  'pAlive',
] as const;
type RuleStat = (typeof ruleStats)[number];

/**
 * Events a rule can ask about, live from what a profile knows (its latest instant of each):
 * visited (any action of the customer: lastSeenAt), ordered (a paid order placed), first-ordered
 * (the first paid order), carted (an open cart changed), unpaid-order (an order placed, still unpaid).
 * Older history is not in a profile, so "performed at least N times" is not offered.
 */
export const ruleEvents = ['visited', 'ordered', 'first-ordered', 'carted', 'unpaid-order'] as const;
type RuleEvent = (typeof ruleEvents)[number];

export const traitNames = ['region', 'name', 'email', 'phone', 'birthday'] as const;

export type SegmentRule =
  | { kind: 'all'; rules: SegmentRule[] }
  | { kind: 'any'; rules: SegmentRule[] }
  | { kind: 'not'; rule: SegmentRule }
  | { kind: 'trait'; trait: (typeof traitNames)[number]; equals?: string; in?: string[] }
  | { kind: 'tag'; tag: string }
  | { kind: 'consent'; channel: 'email' | 'sms'; purpose: 'marketing' | 'care' }
  | { kind: 'stat'; stat: RuleStat; op: Comparison; value: number }
  | { kind: 'rfm-cell'; cells: RfmCell[] }
  | { kind: 'rfm-score'; score: 'recency' | 'frequency' | 'monetary'; op: Comparison; value: number }
  | { kind: 'lifecycle'; stages: LifecycleStage[] }
  | { kind: 'activity'; levels: ActivityLevel[] }
  | { kind: 'gold' }
  | { kind: 'price-sensitive' }
  | { kind: 'sale-day-one-timer' }
  | { kind: 'interested'; category?: string; product?: string }
  | { kind: 'event'; event: RuleEvent; performed: boolean; withinDays: number }
  | { kind: 'segment'; id: string };

const name = z.string().min(1).max(200);
const rules = (): z.ZodType<SegmentRule[]> => z.array(segmentRuleSchema).min(1).max(100);

export const segmentRuleSchema: z.ZodType<SegmentRule> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all'), rules: rules() }),
    z.strictObject({ kind: z.literal('any'), rules: rules() }),
    z.strictObject({ kind: z.literal('not'), rule: segmentRuleSchema }),
    z
      .strictObject({
        kind: z.literal('trait'),
        trait: z.enum(traitNames),
        equals: name.optional(),
        in: z.array(name).min(1).optional(),
      })
      .refine((r) => r.equals === undefined || r.in === undefined, {
        message: 'give equals or in, not both',
        path: ['in'],
      }),
    z.strictObject({ kind: z.literal('tag'), tag: name }),
    z.strictObject({
      kind: z.literal('consent'),
      channel: z.enum(['email', 'sms']),
      purpose: z.enum(['marketing', 'care']),
    }),
    z.strictObject({
      kind: z.literal('stat'),
      stat: z.enum(ruleStats),
      op: z.enum(comparisons),
      value: z.number().finite(),
    }),
    z.strictObject({ kind: z.literal('rfm-cell'), cells: z.array(z.enum(rfmCells)).min(1) }),
    z.strictObject({
      kind: z.literal('rfm-score'),
      score: z.enum(['recency', 'frequency', 'monetary']),
      op: z.enum(comparisons),
      value: z.number().int().min(1).max(5),
    }),
    z.strictObject({ kind: z.literal('lifecycle'), stages: z.array(z.enum(lifecycleStages)).min(1) }),
    z.strictObject({ kind: z.literal('activity'), levels: z.array(z.enum(activityLevels)).min(1) }),
    z.strictObject({ kind: z.literal('gold') }),
    z.strictObject({ kind: z.literal('price-sensitive') }),
    z.strictObject({ kind: z.literal('sale-day-one-timer') }),
    z
      .strictObject({ kind: z.literal('interested'), category: name.optional(), product: name.optional() })
      .refine((r) => (r.category === undefined) !== (r.product === undefined), {
        message: 'give exactly one of category or product',
        path: ['category'],
      }),
    z.strictObject({
      kind: z.literal('event'),
      event: z.enum(ruleEvents),
      performed: z.boolean().default(true),
      withinDays: z.number().positive().max(3650),
    }),
    z.strictObject({ kind: z.literal('segment'), id: name }),
  ]),
) as z.ZodType<SegmentRule>;

export type Predicate = (f: CustomerFeatures, ctx: RuleContext) => boolean;

function compare(op: Comparison, value: number): (x: number | null) => boolean {
  switch (op) {
    case 'eq':
      return (x) => x === value;
    case 'ne':
      return (x) => x !== null && x !== value;
    case 'gt':
      return (x) => x !== null && x > value;
    case 'gte':
      return (x) => x !== null && x >= value;
    case 'lt':
      return (x) => x !== null && x < value;
    case 'lte':
      return (x) => x !== null && x <= value;
  }
}

const since = (at: number | null, nowMs: number) => (at === null ? null : (nowMs - at) / dayMs);

/** Reads a stat in the unit rules use; null when the customer has none (no comparison holds then). */
function statReader(stat: RuleStat): (f: CustomerFeatures, nowMs: number) => number | null {
  switch (stat) {
    case 'paidOrderCount':
    case 'purchaseDays':
    case 'unpaidOrders':
      return (f) => f.input[stat];
    case 'totalSpend':
      return (f) => f.input.totalSpend;
    case 'averageOrderValue':
      return (f) => (f.input.paidOrderCount ? Math.round(f.input.totalSpend / f.input.paidOrderCount) : null);
    case 'discountShare':
      return (f) => f.discountShare;
    case 'pAlive':
      return (f) => f.pAlive;
    case 'daysSinceLastOrder':
      return (f, nowMs) => since(f.input.lastOrderAt, nowMs);
    case 'daysSinceFirstOrder':
      return (f, nowMs) => since(f.input.firstOrderAt, nowMs);
    case 'daysSinceLastSeen':
      return (f, nowMs) => since(f.input.lastSeenAt, nowMs);
    case 'daysUntilPredictedOrder':
      return (f, nowMs) => {
        const at = f.input.predictedOrderAt;
        return at === undefined || at === null ? null : (at - nowMs) / dayMs;
      };
  }
}

function eventAt(event: RuleEvent): (i: CustomerInput) => number | null {
  switch (event) {
    case 'visited':
      return (i) => i.lastSeenAt;
    case 'ordered':
      return (i) => i.lastOrderAt;
    case 'first-ordered':
      return (i) => i.firstOrderAt;
    case 'carted':
      return (i) => i.cartUpdatedAt;
    case 'unpaid-order':
      return (i) => i.lastUnpaidOrderAt;
  }
}

/** Compiles a validated rule into a predicate: the tree is walked once, not per customer. */
export function compileRule(rule: SegmentRule): Predicate {
  switch (rule.kind) {
    case 'all': {
      const parts = rule.rules.map(compileRule);
      return (f, ctx) => {
        for (const p of parts) if (!p(f, ctx)) return false;
        return true;
      };
    }
    case 'any': {
      const parts = rule.rules.map(compileRule);
      return (f, ctx) => {
        for (const p of parts) if (p(f, ctx)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileRule(rule.rule);
      return (f, ctx) => !inner(f, ctx);
    }
    case 'trait': {
      const allowed = rule.in ? new Set(rule.in) : rule.equals !== undefined ? new Set([rule.equals]) : null;
      const trait = rule.trait;
      return (f) => {
        const value = f.input.traits?.[trait];
        return value !== undefined && value !== '' && (allowed === null || allowed.has(value));
      };
    }
    case 'tag': {
      const tag = rule.tag;
      return (f) => f.input.traits?.tags?.includes(tag) ?? false;
    }
    case 'consent': {
      const { channel, purpose } = rule;
      return (f) =>
        f.input.traits?.consent?.[channel]?.[purpose] === true && !f.input.traits.suppressed?.[channel];
    }
    case 'stat': {
      const read = statReader(rule.stat);
      const money = rule.stat === 'totalSpend' || rule.stat === 'averageOrderValue';
      const test = compare(rule.op, money ? toMinorUnits(rule.value) : rule.value);
      return (f, ctx) => test(read(f, ctx.nowMs));
    }
    case 'rfm-cell': {
      const cells = new Set<RfmCell>(rule.cells);
      return (f) => f.rfmCell !== null && cells.has(f.rfmCell);
    }
    case 'rfm-score': {
      const score = rule.score;
      const test = compare(rule.op, rule.value);
      return (f) => f[score] > 0 && test(f[score]);
    }
    case 'lifecycle': {
      const stages = new Set<LifecycleStage>(rule.stages);
      return (f) => stages.has(f.lifecycle);
    }
    case 'activity': {
      const levels = new Set<ActivityLevel>(rule.levels);
      return (f) => levels.has(f.activity);
    }
    case 'gold':
      return (f) => f.gold;
    case 'price-sensitive':
      return (f) => f.priceSensitive;
    case 'sale-day-one-timer':
      return (f) => f.saleDayOneTimer;
    case 'interested': {
      const { category, product } = rule;
      return category !== undefined
        ? (f) => f.input.interestedCategories.includes(category)
        : (f) => f.input.interestedProducts.includes(product ?? '');
    }
    case 'event': {
      const at = eventAt(rule.event);
      const windowMs = rule.withinDays * dayMs;
      const performed = rule.performed;
      return (f, ctx) => {
        const t = at(f.input);
        return (t !== null && t >= ctx.nowMs - windowMs && t <= ctx.nowMs) === performed;
      };
    }
    case 'segment': {
      const id = rule.id;
      return (_f, ctx) => ctx.isMember(id);
    }
  }
}

/** Whether one customer meets a rule (validated or not: it is parsed first). */
export function evaluate(rule: SegmentRule, features: CustomerFeatures, context: RuleContext): boolean {
  return compileRule(segmentRuleSchema.parse(rule))(features, context);
}

export interface SegmentDefinition {
  id: string;
  name?: string;
  rule: SegmentRule;
}

/** Built-in ids are namespaced with a colon or are these; custom ids may use neither. */
export const plainBuiltIns: readonly string[] = [
  'gold',
  'price-sensitive',
  'sale-day-one-timer',
  'repurchase-due',
];

/** Discovery groups (discovery.ts) are definitions in this language too, in their own namespace. */
export const discoveryPrefix = 'discover:';

const slug = '[a-z0-9][a-z0-9_-]{0,63}';

/** The id a shop gives a custom segment. */
export const customSegmentIdSchema = z
  .string()
  .regex(new RegExp(`^${slug}$`), 'lower-case letters, digits, - and _, at most 64')
  .refine((id) => !plainBuiltIns.includes(id), 'is a built-in segment');

export const segmentDefinitionSchema = z.strictObject({
  id: z
    .string()
    .regex(new RegExp(`^(${discoveryPrefix})?${slug}$`), 'lower-case letters, digits, - and _, at most 64')
    .refine((id) => !plainBuiltIns.includes(id), 'is a built-in segment'),
  name: name.optional(),
  rule: segmentRuleSchema,
});

/** The segment ids a rule refers to, each once. */
export function referencesOf(rule: SegmentRule): string[] {
  return [...new Set(references(rule, []).map((r) => r.id))];
}

function references(rule: SegmentRule, path: Array<string | number>): Array<{ id: string; path: string[] }> {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return rule.rules.flatMap((r, i) => references(r, [...path, 'rules', i]));
    case 'not':
      return references(rule.rule, [...path, 'rule']);
    case 'segment':
      return [{ id: rule.id, path: [...path, 'id'].map(String) }];
    default:
      return [];
  }
}

export interface CompiledSegment {
  id: string;
  predicate: Predicate;
}

/**
 * Validates a shop's definitions as a whole and orders them so every segment comes after those it
 * refers to. Issues by path (`<index>.rule.rules.0.id`): shape, duplicate ids, unknown references
 * and cycles. `isBuiltIn` says which non-custom ids a rule may name.
 */
export function compileSegments(raw: unknown, isBuiltIn: (id: string) => boolean): CompiledSegment[] {
  const parsed = z.array(segmentDefinitionSchema).safeParse(raw);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  const definitions = parsed.data as SegmentDefinition[];
  const issues: FieldIssue[] = [];
  const byId = new Map<string, number>();
  definitions.forEach((d, i) => {
    if (byId.has(d.id)) issues.push({ path: `${i}.id`, message: `duplicates segment ${byId.get(d.id)}` });
    else byId.set(d.id, i);
  });
  const edges = definitions.map((d, i) =>
    references(d.rule, [i, 'rule']).filter(({ id, path }) => {
      if (byId.has(id)) return true;
      if (!isBuiltIn(id)) issues.push({ path: path.join('.'), message: `no segment ${id}` });
      return false;
    }),
  );
  // Depth-first, in definition order; a reference back to a segment on the path is a cycle.
  const state = new Array<'open' | 'done' | undefined>(definitions.length);
  const order: number[] = [];
  const visit = (i: number, trail: string[]): void => {
    state[i] = 'open';
    for (const ref of edges[i] ?? []) {
      const j = byId.get(ref.id) as number;
      if (state[j] === 'open') {
        const cycle = [...trail.slice(trail.indexOf(ref.id)), ref.id].join(' → ');
        issues.push({ path: ref.path.join('.'), message: `refers to itself through ${cycle}` });
      } else if (state[j] === undefined) visit(j, [...trail, ref.id]);
    }
    state[i] = 'done';
    order.push(i);
  };
  definitions.forEach((d, i) => {
    if (state[i] === undefined) visit(i, [d.id]);
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return order.map((i) => {
    const d = definitions[i] as SegmentDefinition;
    return { id: d.id, predicate: compileRule(d.rule) };
  });
}
