import { mapConcurrently } from '../../domain/collections.js';
import type { Profile } from '../../domain/customers/profile.js';
import { discoveryDefinitions } from '../../domain/segments/discovery.js';
import {
  cutsOf,
  mergeSketches,
  mergeSummaries,
  refreshShard,
  type ShopSummary,
  sketchShard,
} from '../../domain/segments/engine.js';
import { type CustomerInput, customerInputOf } from '../../domain/segments/features.js';
import { customerOrdersOf, predictionOf } from '../../domain/segments/predictions/from-profile.js';
import type { ShopModel } from '../../domain/segments/predictions/predict.js';
import {
  addToModelSample,
  emptyModelSample,
  fitShopModelFromSample,
  type ModelSample,
  mergeModelSamples,
} from '../../domain/segments/predictions/sample.js';
import {
  decodeCuts,
  decodeSketch,
  encodeCuts,
  encodeSketch,
  type PlainCuts,
  type PlainSketch,
} from '../../domain/segments/refresh-codec.js';
import { isNightlyRefreshDue, minuteKey } from '../../domain/shops/schedule.js';
import { type ShopSettings, segmentSettingsOf, tierFor } from '../../domain/shops/shop.js';
import type { SegmentDefinitionStore } from '../../ports/segments/definition-store.js';
import type { RefreshResultStore } from '../../ports/segments/refresh-result-store.js';
import type {
  RefreshQueue,
  RefreshRun,
  RefreshRunStore,
  RefreshTask,
} from '../../ports/segments/refresh-runs.js';
import type { SegmentCandidate, SegmentStore } from '../../ports/segments/segment-store.js';
import type { ShopStore } from '../../ports/shops/shop-store.js';
import type { ChangeDeps } from '../customers/change-customers.js';
import { retierCustomers } from '../customers/retier-customers.js';
import type { FeedDeps } from '../journeys/feed-events.js';
import { feedSegmentMoves } from '../journeys/segment-triggers.js';

/**
 * The nightly refresh of a shop, fanned out over its customer shards in two phases:
 *
 * 1. sketch, per shard: the exact distributions RFM and lifecycle rank against, and the compact
 *    purchase histories the repurchase model is fitted on. The shard that finishes last merges them,
 *    reads the shop's cut points, fits the model and queues phase 2.
 * 2. apply, per shard: every customer's features and segments with the shop's cuts and model; only
 *    customers whose memberships changed are written, after the shop's journeys have heard of the
 *    segments they entered and left. Customers whose stored tier the shop's ladder no longer gives
 *    (it was replaced) are re-tiered. The last shard stores the shop's summary.
 *
 * Tasks travel on a queue, run on any number of workers, in any order, any number of times: a
 * shard is counted once per phase, phases move on once, and applying twice writes nothing new.
 */

export interface RefreshDeps {
  shops: ShopStore;
  segments: SegmentStore;
  definitions: SegmentDefinitionStore;
  results: RefreshResultStore;
  runs: RefreshRunStore;
  queue: RefreshQueue;
  clock: () => Date;
  /** The journey runtime that hears of segment moves; without it (the start function) nobody does. */
  journeys?: FeedDeps;
  /** The customers' change, to re-tier customers after the shop replaced its ladder (the worker's). */
  customers?: ChangeDeps;
}

export interface RefreshRequest {
  /** Only these shops, whatever their hour (a manual fire). */
  shopIds?: string[];
  /** Compute as of this instant instead of now (demos and backtests). */
  asOf?: string;
}

/** Memberships written at once by one apply task. */
const writesInFlight = 16;

const tasksOf = (run: RefreshRun, phase: RefreshTask['phase']): RefreshTask[] =>
  Array.from({ length: run.shards }, (_, shard) => ({ shopId: run.shopId, runId: run.runId, phase, shard }));

/**
 * Primary course: on each hourly tick, start the refresh of every shop whose wall clock reads
 * 02:xx (or the shops named), one run per shop and minute: a repeated tick starts nothing new.
 */
export async function startRefreshes(deps: RefreshDeps, request: RefreshRequest = {}): Promise<RefreshRun[]> {
  const now = deps.clock();
  const asOf = request.asOf ? new Date(request.asOf) : now;
  const all = await deps.shops.listShops();
  const due = request.shopIds
    ? all.filter((s) => request.shopIds?.includes(s.shopId))
    : all.filter((s) => isNightlyRefreshDue(now, s.timeZone));
  const started: RefreshRun[] = [];
  for (const shop of due) {
    const run: RefreshRun = {
      shopId: shop.shopId,
      // One run per shop and tick (a tick delivered twice starts nothing new); every manual fire runs.
      runId: request.shopIds ? `${now.toISOString()}~${asOf.toISOString()}` : minuteKey(now),
      asOf: asOf.toISOString(),
      shards: deps.segments.shards,
      phase: 'sketch',
      startedAt: now.toISOString(),
    };
    await deps.runs.start(run);
    const current = await deps.runs.get(shop.shopId, run.runId);
    // Queued again while still sketching: a start that crashed before queueing is finished here.
    if (current?.phase === 'sketch') await deps.queue.enqueue(tasksOf(current, 'sketch'));
    started.push(current ?? run);
  }
  return started;
}

interface SketchResult {
  sketch: PlainSketch;
  sample: ModelSample;
}

interface ApplyPlan {
  cuts: PlainCuts;
  model: ShopModel;
}

interface ApplyResult {
  summary: ShopSummary;
  changed: number;
}

export interface TaskReport {
  task: RefreshTask;
  /** skipped: the run is gone or already past this phase (a redelivery). */
  outcome: 'done' | 'skipped';
  customers?: number;
  changed?: number;
  /** Segment events fed to the shop's journeys. */
  segmentEvents?: number;
  /** The run moved on to the next phase (or finished) with this task. */
  finishedPhase?: boolean;
}

export async function runRefreshTask(deps: RefreshDeps, task: RefreshTask): Promise<TaskReport> {
  const run = await deps.runs.get(task.shopId, task.runId);
  const shop = run && (await deps.shops.getShop(task.shopId));
  if (!run || !shop) return { task, outcome: 'skipped' };
  if (run.phase !== task.phase) {
    // The sketch phase ended but its last task was redelivered: queueing phase 2 may not have happened.
    if (task.phase === 'sketch' && run.phase === 'apply') await deps.queue.enqueue(tasksOf(run, 'apply'));
    return { task, outcome: 'skipped' };
  }
  return task.phase === 'sketch' ? sketchTask(deps, shop, run, task) : applyTask(deps, shop, run, task);
}

async function* customersOf(deps: RefreshDeps, shop: ShopSettings, shard: number) {
  for await (const page of deps.segments.customersOfShard(shop.shopId, shard)) yield* page;
}

async function sketchTask(deps: RefreshDeps, shop: ShopSettings, run: RefreshRun, task: RefreshTask) {
  const asOf = new Date(run.asOf);
  const inputs: CustomerInput[] = [];
  const sample = emptyModelSample();
  for await (const { profile } of customersOf(deps, shop, task.shard)) {
    inputs.push(customerInputOf(profile, shop.timeZone, asOf));
    addToModelSample(sample, customerOrdersOf(profile.activity, shop.timeZone), asOf.getTime());
  }
  const result: SketchResult = { sketch: encodeSketch(sketchShard(inputs)), sample };
  const remaining = await deps.runs.completeShard(task, JSON.stringify(result));
  const finishedPhase = remaining === 0 && (await finishSketch(deps, shop, run));
  return { task, outcome: 'done' as const, customers: inputs.length, finishedPhase };
}

/** The last sketch: the shop's cuts and model from every shard, then phase 2 queued. */
async function finishSketch(deps: RefreshDeps, shop: ShopSettings, run: RefreshRun): Promise<boolean> {
  const parts = (await deps.runs.results(shop.shopId, run.runId, 'sketch')).map(
    (p) => JSON.parse(p) as SketchResult,
  );
  const cuts = cutsOf(mergeSketches(parts.map((p) => decodeSketch(p.sketch))));
  const model = fitShopModelFromSample(
    parts.map((p) => p.sample).reduce(mergeModelSamples, emptyModelSample()),
    {
      asOf: run.asOf,
    },
  );
  const plan: ApplyPlan = { cuts: encodeCuts(cuts), model };
  const advanced = await deps.runs.advance(shop.shopId, run.runId, 'sketch', 'apply', {
    plan: JSON.stringify(plan),
  });
  if (!advanced) return false;
  await deps.results.saveModel(shop.shopId, model);
  await deps.queue.enqueue(tasksOf(run, 'apply'));
  return true;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

async function applyTask(deps: RefreshDeps, shop: ShopSettings, run: RefreshRun, task: RefreshTask) {
  const asOf = new Date(run.asOf);
  const plan = JSON.parse(run.plan ?? 'null') as ApplyPlan | null;
  if (!plan) throw new Error(`refresh run ${run.shopId}/${run.runId} is applying without a plan`);
  const custom = (await deps.definitions.list(shop.shopId)).map(({ id, name, rule }) => ({ id, name, rule }));
  const candidates: SegmentCandidate[] = [];
  const inputs: CustomerInput[] = [];
  for await (const candidate of customersOf(deps, shop, task.shard)) {
    candidates.push(candidate);
    inputs.push(
      withPrediction(
        customerInputOf(candidate.profile, shop.timeZone, asOf),
        plan.model,
        candidate.profile,
        shop,
        asOf,
      ),
    );
  }
  const refreshed = refreshShard(
    inputs,
    segmentSettingsOf(shop),
    decodeCuts(plan.cuts),
    [...custom, ...discoveryDefinitions],
    asOf,
  );
  const changes = candidates.flatMap(({ profile, version }, i) => {
    const next = [...(refreshed.segments[i] ?? [])].sort();
    const before = [...profile.segments].sort();
    if (sameList(next, before)) return [];
    const change = {
      segments: next,
      joined: next.filter((s) => !before.includes(s)),
      left: before.filter((s) => !next.includes(s)),
    };
    return [{ customerId: profile.customerId, version, before, change }];
  });
  // Journeys hear of the moves BEFORE they are committed. Committed first, a crash before the
  // journeys heard would lose the events for good: the redelivered task would find nothing moved.
  // Fed first, a crash before the commit (or a redelivery) finds the same moves and makes the same
  // events (ids from the run's asOf), which the journeys ignore: an instance is named by its
  // trigger's id and start() refuses one that exists, a running instance skips events it handled,
  // and sends are keyed by instance and step. So each move is heard exactly once.
  const { fed, failed } = deps.journeys
    ? await feedSegmentMoves(
        deps.journeys,
        shop.shopId,
        changes.map((c) => ({ customerId: c.customerId, before: c.before, ...c.change })),
        asOf,
      )
    : { fed: 0, failed: new Set<string>() };
  // A customer whose journeys failed keeps the old memberships, so the retry moves them again (the
  // summary's `changed` then counts only the retry's writes). A customer who changed meanwhile is
  // left for the stream and the next run, whose event for the same move is a new one: a running
  // instance refuses it, an ended one follows the journey's re-entry rule.
  const written = await mapConcurrently(
    changes.filter((c) => !failed.has(c.customerId)),
    writesInFlight,
    (c) => deps.segments.setMemberships(shop.shopId, c.customerId, c.version, c.change),
  );
  // A ladder replaced since a customer's last change: their tier moves now, not at their next event.
  const stale = candidates.filter(
    ({ profile }, i) =>
      profile.tier !== tierFor(inputs[i]?.totalSpend ?? 0, inputs[i]?.paidOrderCount ?? 0, shop.tiers),
  );
  if (deps.customers)
    await retierCustomers(
      deps.customers,
      shop,
      stale.map(({ profile }) => profile.customerId),
    );
  if (failed.size > 0)
    throw new Error(`journeys of ${failed.size} customers of shop ${shop.shopId} failed: shard retried`);
  const changed = written.filter(Boolean).length;
  const result: ApplyResult = { summary: refreshed.summary, changed };
  const remaining = await deps.runs.completeShard(task, JSON.stringify(result));
  const finishedPhase = remaining === 0 && (await finishApply(deps, shop, run));
  return {
    task,
    outcome: 'done' as const,
    customers: inputs.length,
    changed,
    segmentEvents: fed,
    finishedPhase,
  };
}

function withPrediction(
  input: CustomerInput,
  model: ShopModel,
  profile: Profile,
  shop: ShopSettings,
  asOf: Date,
): CustomerInput {
  const prediction = predictionOf(model, profile.activity, shop.timeZone, asOf.toISOString());
  return {
    ...input,
    pAlive: prediction?.pAlive ?? null,
    predictedOrderAt: prediction?.nextOrderAt ? Date.parse(prediction.nextOrderAt) : null,
  };
}

/** The last apply: the shop's summary, saved once per run, and the run closed. */
async function finishApply(deps: RefreshDeps, shop: ShopSettings, run: RefreshRun): Promise<boolean> {
  const parts = (await deps.runs.results(shop.shopId, run.runId, 'apply')).map(
    (p) => JSON.parse(p) as ApplyResult,
  );
  const finishedAt = deps.clock().toISOString();
  const { latest } = await deps.results.getSummaries(shop.shopId);
  if (latest?.runId !== run.runId)
    await deps.results.saveSummary(shop.shopId, {
      ...mergeSummaries(parts.map((p) => p.summary)),
      runId: run.runId,
      asOf: run.asOf,
      finishedAt,
      changed: parts.reduce((n, p) => n + p.changed, 0),
    });
  return deps.runs.advance(shop.shopId, run.runId, 'apply', 'done', { finishedAt });
}
