import { fromMinorUnits, toMinorUnits } from '../customers/money.js';
import {
  type Distribution,
  distributionOf,
  emptyDistribution,
  medianOf,
  mergeDistributions,
  quintileCuts,
  scoreOf,
  topShareCut,
} from './distribution.js';
import {
  type ActivityThresholds,
  activityLevel,
  activityLevels,
  type CustomerInput,
  defaultActivity,
  defaultLifecycle,
  defaultSaleDays,
  type LifecycleThresholds,
  lifecycleStage,
  lifecycleStages,
  priceSensitivity,
  rfmCell,
  rfmCells,
  rhythmDays,
} from './features.js';
import { type CompiledSegment, type CustomerFeatures, compileSegments, plainBuiltIns } from './rules.js';

/**
 * The segment refresh of one shop, in two passes so it can fan out over shards:
 *
 * 1. sketchShard, per shard: the exact distributions the shop-wide figures need (recency, frequency
 *    and monetary values of buyers; repeat customers' rhythms). mergeSketches adds shards up and
 *    cutsOf reads the quintile cut points, the gold threshold and the shop's median rhythm.
 * 2. refreshShard, per shard with the shop's cuts: scores, cells, stages, flags and custom rules per
 *    customer; mergeSummaries adds the shards' counts up.
 *
 * refreshShop does both for customers held in one place.
 */

export interface ShopSegmentSettings {
  /** IANA zone of the shop's clock (sale days and first-order days are on it). */
  timeZone: string;
  /** YYYY-MM-DD, or MM-DD for every year; default 06-18, 11-11 and 12-12. */
  saleDays?: readonly string[];
  lifecycle?: Partial<LifecycleThresholds>;
  activity?: Partial<ActivityThresholds>;
}

/** P(alive) of a customer from a fitted repurchase model; null where the model says nothing. */
export type PAliveModel = (customer: CustomerInput, nowMs: number) => number | null;

export interface ShardSketch {
  customers: number;
  recency: Distribution;
  frequency: Distribution;
  monetary: Distribution;
  rhythm: Distribution;
}

/** Pass 1 over one shard. Recency is ranked by the last order's instant: later is better. */
export function sketchShard(customers: readonly CustomerInput[]): ShardSketch {
  let buyers = 0;
  let repeat = 0;
  for (const c of customers) {
    if (c.paidOrderCount > 0 && c.lastOrderAt !== null) buyers++;
    if (c.paidOrderCount > 1) repeat++;
  }
  const recency = new Float64Array(buyers);
  const frequency = new Float64Array(buyers);
  const monetary = new Float64Array(buyers);
  const rhythm = new Float64Array(repeat);
  let b = 0;
  let r = 0;
  for (const c of customers) {
    if (c.paidOrderCount > 0 && c.lastOrderAt !== null) {
      recency[b] = c.lastOrderAt;
      frequency[b] = c.paidOrderCount;
      monetary[b++] = c.totalSpend;
    }
    const days = rhythmDays(c);
    if (days !== null) rhythm[r++] = days;
  }
  return {
    customers: customers.length,
    recency: distributionOf(recency),
    frequency: distributionOf(frequency),
    monetary: distributionOf(monetary),
    rhythm: distributionOf(rhythm.subarray(0, r)),
  };
}

export function mergeSketches(sketches: readonly ShardSketch[]): ShardSketch {
  return sketches.reduce(
    (a, s) => ({
      customers: a.customers + s.customers,
      recency: mergeDistributions(a.recency, s.recency),
      frequency: mergeDistributions(a.frequency, s.frequency),
      monetary: mergeDistributions(a.monetary, s.monetary),
      rhythm: mergeDistributions(a.rhythm, s.rhythm),
    }),
    {
      customers: 0,
      recency: emptyDistribution,
      frequency: emptyDistribution,
      monetary: emptyDistribution,
      rhythm: emptyDistribution,
    },
  );
}

export interface ShopCuts {
  customers: number;
  /** Customers with a paid order: the ones ranked. */
  buyers: number;
  /** The smallest value scoring 2, 3, 4 and 5 (see quintileCuts). Recency in epoch ms. */
  recency: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
  /** Gold: the top fifth of buyers by net spend (minor units from here). */
  goldMinSpend: number;
  /** The median of repeat customers' rhythms; null without repeat customers. */
  shopIntervalDays: number | null;
}

export function cutsOf(sketch: ShardSketch): ShopCuts {
  return {
    customers: sketch.customers,
    buyers: sketch.recency.total,
    recency: quintileCuts(sketch.recency),
    frequency: quintileCuts(sketch.frequency),
    monetary: quintileCuts(sketch.monetary),
    goldMinSpend: topShareCut(sketch.monetary, 5),
    shopIntervalDays: medianOf(sketch.rhythm),
  };
}

export interface ShopSummary {
  customers: number;
  buyers: number;
  /** Members per segment id. */
  counts: Record<string, number>;
  /** Net revenue of all customers and of gold customers, currency units. */
  revenue: number;
  goldRevenue: number;
  /** goldRevenue / revenue; 0 without revenue. */
  goldRevenueShare: number;
  /**
   * Per segment id (as in counts): its members' net revenue, currency units, and their paid orders,
   * so a segment's share of revenue and average order value can be read without its members.
   */
  revenueBySegment: Record<string, number>;
  paidOrdersBySegment: Record<string, number>;
  shopIntervalDays: number | null;
}

/** Per customer (by input index) in compact columns; featuresAt rebuilds one customer's features. */
export interface ShardRefresh {
  /**
   * Segment ids each customer belongs to: built-ins first, then custom ones in dependency order.
   * Customers with the same memberships share one frozen list.
   */
  segments: ReadonlyArray<readonly string[]>;
  recency: Uint8Array;
  frequency: Uint8Array;
  monetary: Uint8Array;
  featuresAt: (index: number) => CustomerFeatures;
  summary: ShopSummary;
}

const noCell = 255;
/** `repurchase-due`: the predicted next order falls within this much of now. */
const repurchaseDueMs = 7 * 86_400_000;
const cellIds = rfmCells.map((c) => `rfm:${c}`);
const stageIds = lifecycleStages.map((s) => `lifecycle:${s}`);
const activityIds = activityLevels.map((a) => `activity:${a}`);

/** The built-in ids every shop has (interest ids come and go with what customers view). */
export const builtInSegmentIds: readonly string[] = [
  ...cellIds,
  ...stageIds,
  ...activityIds,
  ...plainBuiltIns,
];

/** Built-in ids a custom rule may refer to. */
export function isBuiltInSegment(id: string): boolean {
  if (plainBuiltIns.includes(id) || cellIds.includes(id) || stageIds.includes(id) || activityIds.includes(id))
    return true;
  return /^interested(-product)?:.+/.test(id);
}

/** Features with every built-in at its neutral value, for `input` to be filled in. */
export function neutralFeatures(
  input: CustomerInput = undefined as unknown as CustomerInput,
): CustomerFeatures {
  return {
    input,
    recency: 0,
    frequency: 0,
    monetary: 0,
    rfmCell: null,
    lifecycle: 'new',
    activity: 'dormant',
    gold: false,
    discountShare: 0,
    saleDayOneTimer: false,
    priceSensitive: false,
    pAlive: null,
  };
}

/** Pass 2 over one shard, with the shop's cuts. `definitions` are validated here (compileSegments). */
export function refreshShard(
  customers: readonly CustomerInput[],
  shop: ShopSegmentSettings,
  cuts: ShopCuts,
  definitions: unknown,
  now: Date,
  model?: PAliveModel,
): ShardRefresh {
  const custom: CompiledSegment[] = compileSegments(definitions, isBuiltInSegment);
  const lifecycle = { ...defaultLifecycle, ...shop.lifecycle };
  const activity = { ...defaultActivity, ...shop.activity };
  const saleDays = new Set(shop.saleDays ?? defaultSaleDays);
  const nowMs = now.getTime();
  const n = customers.length;
  const recency = new Uint8Array(n);
  const frequency = new Uint8Array(n);
  const monetary = new Uint8Array(n);
  const cells = new Uint8Array(n).fill(noCell);
  const stages = new Uint8Array(n);
  const levels = new Uint8Array(n);
  const pAlives = new Float64Array(n).fill(Number.NaN);
  const segments: Array<readonly string[]> = new Array(n);
  const counts: Record<string, number> = {};
  const spend: Record<string, number> = {};
  const orders: Record<string, number> = {};
  const count = (ids: readonly string[], members: number, minor: number, paid: number) => {
    for (const id of ids) {
      counts[id] = (counts[id] ?? 0) + members;
      spend[id] = (spend[id] ?? 0) + minor;
      orders[id] = (orders[id] ?? 0) + paid;
    }
  };
  // Customers with the same memberships share one frozen list, found by a number that encodes them
  // (cell, stage, level, flags, then a bit per custom segment): a million lists are a few hundred.
  // Members, spend and orders are summed per list and spread over its ids once at the end.
  const interned = new Map<
    number,
    { ids: readonly string[]; members: number; spend: number; orders: number }
  >();
  const internable = custom.length <= 40;
  let revenue = 0;
  let goldRevenue = 0;

  // One features object, one context and one list, refilled per customer: nothing keeps them.
  const f = neutralFeatures();
  const segs: string[] = [];
  const ctx = { nowMs, isMember: (id: string) => segs.includes(id) };

  for (let i = 0; i < n; i++) {
    const c = customers[i] as CustomerInput;
    segs.length = 0;
    f.input = c;
    f.pAlive = c.pAlive ?? model?.(c, nowMs) ?? null;
    if (f.pAlive !== null) pAlives[i] = f.pAlive;
    let cell = rfmCells.length;
    if (c.paidOrderCount > 0 && c.lastOrderAt !== null) {
      f.recency = recency[i] = scoreOf(c.lastOrderAt, cuts.recency);
      f.frequency = frequency[i] = scoreOf(c.paidOrderCount, cuts.frequency);
      f.monetary = monetary[i] = scoreOf(c.totalSpend, cuts.monetary);
      f.rfmCell = rfmCell(f.recency, f.frequency, f.monetary);
      cell = rfmCells.indexOf(f.rfmCell);
      cells[i] = cell;
      segs.push(cellIds[cell] as string);
      f.gold = c.totalSpend >= cuts.goldMinSpend;
    } else {
      f.recency = f.frequency = f.monetary = 0;
      f.rfmCell = null;
      f.gold = false;
    }
    f.lifecycle = lifecycleStage(c, cuts.shopIntervalDays, lifecycle, nowMs, f.pAlive);
    const stage = lifecycleStages.indexOf(f.lifecycle);
    stages[i] = stage;
    segs.push(stageIds[stage] as string);
    f.activity = activityLevel(c, activity, nowMs);
    const level = activityLevels.indexOf(f.activity);
    levels[i] = level;
    segs.push(activityIds[level] as string);
    revenue += c.totalSpend;
    if (f.gold) {
      goldRevenue += c.totalSpend;
      segs.push('gold');
    }
    const price = priceSensitivity(c, saleDays);
    f.discountShare = price.discountShare;
    f.saleDayOneTimer = price.saleDayOneTimer;
    f.priceSensitive = price.priceSensitive;
    if (f.priceSensitive) segs.push('price-sensitive');
    if (f.saleDayOneTimer) segs.push('sale-day-one-timer');
    // Her next order is predicted within the week: what the repurchase reminder starts on.
    const due =
      c.predictedOrderAt != null &&
      c.predictedOrderAt >= nowMs &&
      c.predictedOrderAt - nowMs <= repurchaseDueMs;
    if (due) segs.push('repurchase-due');
    let code =
      (((((cell * 7 + stage) * 3 + level) * 2 + +f.gold) * 2 + +f.priceSensitive) * 2 + +f.saleDayOneTimer) *
        2 +
      +due;
    for (const category of c.interestedCategories) segs.push(`interested:${category}`);
    for (const product of c.interestedProducts) segs.push(`interested-product:${product}`);
    for (const s of custom) {
      const member = s.predicate(f, ctx);
      if (member) segs.push(s.id);
      code = code * 2 + +member;
    }
    if (!internable || c.interestedCategories.length > 0 || c.interestedProducts.length > 0) {
      segments[i] = segs.slice();
      count(segs, 1, c.totalSpend, c.paidOrderCount);
      continue;
    }
    let shared = interned.get(code);
    if (!shared) {
      shared = { ids: Object.freeze(segs.slice()), members: 0, spend: 0, orders: 0 };
      interned.set(code, shared);
    }
    shared.members++;
    shared.spend += c.totalSpend;
    shared.orders += c.paidOrderCount;
    segments[i] = shared.ids;
  }
  for (const list of interned.values()) count(list.ids, list.members, list.spend, list.orders);

  const featuresAt = (index: number): CustomerFeatures => {
    const c = customers[index] as CustomerInput;
    const cell = cells[index] as number;
    const price = priceSensitivity(c, saleDays);
    const pAlive = pAlives[index] as number;
    return {
      input: c,
      recency: recency[index] as number,
      frequency: frequency[index] as number,
      monetary: monetary[index] as number,
      rfmCell: cell === noCell ? null : (rfmCells[cell] as (typeof rfmCells)[number]),
      lifecycle: lifecycleStages[stages[index] as number] as CustomerFeatures['lifecycle'],
      activity: activityLevels[levels[index] as number] as CustomerFeatures['activity'],
      gold: cell !== noCell && c.totalSpend >= cuts.goldMinSpend,
      ...price,
      pAlive: Number.isNaN(pAlive) ? null : pAlive,
    };
  };

  return {
    segments,
    recency,
    frequency,
    monetary,
    featuresAt,
    summary: {
      customers: n,
      buyers: cuts.buyers,
      counts,
      revenue: fromMinorUnits(revenue),
      goldRevenue: fromMinorUnits(goldRevenue),
      goldRevenueShare: revenue > 0 ? goldRevenue / revenue : 0,
      revenueBySegment: inCurrencyUnits(spend),
      paidOrdersBySegment: orders,
      shopIntervalDays: cuts.shopIntervalDays,
    },
  };
}

const inCurrencyUnits = (minor: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(minor).map(([id, v]) => [id, fromMinorUnits(v)]));

/** Adds up the summaries of a shop's shards (refreshed with the same cuts). */
export function mergeSummaries(summaries: readonly ShopSummary[]): ShopSummary {
  const counts: Record<string, number> = {};
  const spend: Record<string, number> = {};
  const orders: Record<string, number> = {};
  let revenue = 0;
  let goldRevenue = 0;
  for (const s of summaries) {
    for (const [id, n] of Object.entries(s.counts)) counts[id] = (counts[id] ?? 0) + n;
    for (const [id, v] of Object.entries(s.revenueBySegment)) spend[id] = (spend[id] ?? 0) + toMinorUnits(v);
    for (const [id, n] of Object.entries(s.paidOrdersBySegment)) orders[id] = (orders[id] ?? 0) + n;
    revenue += toMinorUnits(s.revenue);
    goldRevenue += toMinorUnits(s.goldRevenue);
  }
  return {
    customers: summaries.reduce((a, s) => a + s.customers, 0),
    buyers: summaries[0]?.buyers ?? 0,
    counts,
    revenue: fromMinorUnits(revenue),
    goldRevenue: fromMinorUnits(goldRevenue),
    goldRevenueShare: revenue > 0 ? goldRevenue / revenue : 0,
    revenueBySegment: inCurrencyUnits(spend),
    paidOrdersBySegment: orders,
    shopIntervalDays: summaries[0]?.shopIntervalDays ?? null,
  };
}

/** Both passes over a shop's customers held in one place. */
export function refreshShop(
  customers: readonly CustomerInput[],
  shop: ShopSegmentSettings,
  definitions: unknown,
  now: Date,
  model?: PAliveModel,
): ShardRefresh & { cuts: ShopCuts } {
  const cuts = cutsOf(sketchShard(customers));
  return { ...refreshShard(customers, shop, cuts, definitions, now, model), cuts };
}
