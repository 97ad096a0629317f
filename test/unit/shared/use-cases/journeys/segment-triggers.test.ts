import { describe, expect, it } from 'vitest';
import { keys } from '../../../../../shared/adapters/dynamodb/keys.js';
import type { RefreshTask } from '../../../../../shared/ports/segments/refresh-runs.js';
import {
  createJourney,
  setJourneyEnabled,
} from '../../../../../shared/use-cases/journeys/journey-definitions.js';
import {
  type RefreshDeps,
  runRefreshTask,
  startRefreshes,
} from '../../../../../shared/use-cases/segments/refresh-segments.js';
import { FakeRefreshQueue, FakeRefreshRunStore } from '../../../../support/fakes/refresh-runs.js';
import { FakeSegmentDefinitionStore } from '../../../../support/fakes/segment-definitions.js';
import { FakeSegmentStore } from '../../../../support/fakes/segments.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';
import { journeysWorld, reachable } from '../../../../support/journeys-world.js';
import { paidOrder } from '../../../../support/shop-events.js';

/**
 * The nightly refresh telling journeys who entered and left segments: dormant win-back starts when
 * a customer the refresh had placed moves into at-risk, once, however the refresh's tasks are
 * delivered, and not for customers it places for the first time.
 *
 * The world starts on 2026-11-02 08:00 UTC. Mei bought once on 23 October: the first refresh makes
 * her a honeymoon customer; forty days on, one order and past the honeymoon, she is at risk.
 */
const mei = reachable('dormant-win-back', 'mei');
const old = reachable('dormant-win-back', 'old');

async function refreshWorld(options: { winBack?: boolean } = {}) {
  const w = journeysWorld();
  if (options.winBack !== false) await w.enable('dormant-win-back');
  await w.person(mei);
  await w.person(old);
  // Mei, ten days ago; "old", five months ago: dormant from the first refresh on.
  await w.apply([
    ...paidOrder({ customerId: mei }, 'm1', 88, '2026-10-23T08:00:00.000Z'),
    ...paidOrder({ customerId: old }, 'o1', 60, '2026-06-05T08:00:00.000Z'),
  ]);
  // What putting the customers told their journeys is done with before any refresh.
  await w.settle();
  const instanceReads = w.instances.reads;
  const shops = new FakeShopStore();
  await shops.putShop(w.settings);
  const segments = new FakeSegmentStore(w.table, 3);
  let enabledReads = 0;
  const journeys = {
    ...w.deps,
    enabled: (shopId: string) => {
      enabledReads += 1;
      return w.deps.enabled(shopId);
    },
  };
  const deps: RefreshDeps = {
    shops,
    segments,
    definitions: new FakeSegmentDefinitionStore(),
    results: w.results,
    runs: new FakeRefreshRunStore(),
    queue: new FakeRefreshQueue(),
    clock: w.clock.now,
    journeys,
  };
  const queue = deps.queue as FakeRefreshQueue;
  /** A refresh at the clock's time, every task run by `run` (one delivery each unless it says). */
  const refresh = async (run: (task: RefreshTask) => Promise<unknown> = (t) => runRefreshTask(deps, t)) => {
    await startRefreshes(deps, { shopIds: ['tea'] });
    const drained = await queue.drain(2, run);
    await w.settle();
    return drained;
  };
  const segmentsOf = async (customerId: string) => (await w.customer(customerId)).segments;
  return {
    w,
    deps,
    segments,
    queue,
    refresh,
    segmentsOf,
    enabledReads: () => enabledReads,
    instanceReads: () => w.instances.reads - instanceReads,
  };
}

describe('segment moves into journeys, from the nightly refresh', () => {
  it('starts dormant win-back when a placed customer enters at-risk, and not on a first placement', async () => {
    const { w, refresh, segmentsOf } = await refreshWorld();
    await refresh();
    expect(await segmentsOf(mei)).toContain('lifecycle:honeymoon');
    expect(await segmentsOf(old)).toContain('lifecycle:dormant');
    // The shop's first refresh places everyone: nobody "entered" anything.
    expect(w.takeLines()).toEqual([]);

    w.clock.set('2026-12-12T08:00:00.000Z');
    await refresh();
    expect(await segmentsOf(mei)).toContain('lifecycle:at-risk');
    expect(w.takeLines()).toEqual([`2026-12-12T08:00 winback-miss-you`]);
    expect(w.delivered.at(-1)?.intent).toMatchObject({
      customerId: mei,
      source: { journeyId: 'dormant-win-back' },
    });
    const [instance] = (await w.instances.ofCustomer('tea', mei)).map((r) => r.instance);
    expect(instance?.trigger).toMatchObject({
      type: 'segment_entered',
      occurredAt: '2026-12-12T08:00:00.000Z',
      properties: { segment: 'lifecycle:at-risk' },
    });
    // A week on, the offer with its coupon, as the playbook escalates.
    await w.runUntil('2026-12-20T00:00:00.000Z');
    expect(w.takeLines()).toEqual([expect.stringMatching(/^2026-12-19T08:00 winback-offer \[coupon\]/)]);
  });

  it('sends once when every task of the run is delivered twice', async () => {
    const { w, deps, refresh, queue } = await refreshWorld();
    await refresh();
    w.clock.set('2026-12-12T08:00:00.000Z');
    const delivered = new Set<string>();
    await refresh(async (task) => {
      await runRefreshTask(deps, task);
      const id = JSON.stringify(task);
      if (delivered.has(id)) return;
      delivered.add(id);
      await queue.enqueue([task]);
    });
    expect(w.takeLines()).toEqual(['2026-12-12T08:00 winback-miss-you']);
    expect(await w.instances.ofCustomer('tea', mei)).toHaveLength(1);
  });

  it('sends once when the worker dies after feeding journeys and before committing the memberships', async () => {
    const { w, segments, refresh, segmentsOf } = await refreshWorld();
    await refresh();
    w.clock.set('2026-12-12T08:00:00.000Z');
    const seenAtCrash: Array<{ instances: number; segments: string[] }> = [];
    segments.beforeSetSegments = async (customerId) => {
      if (customerId !== mei) return;
      segments.beforeSetSegments = undefined;
      // Journeys have heard already; the memberships are still the old ones. Then the crash.
      seenAtCrash.push({
        instances: (await w.instances.ofCustomer('tea', mei)).length,
        segments: await segmentsOf(mei),
      });
      throw new Error('worker died');
    };
    const { failures } = await refresh();
    expect(failures).toBe(1);
    expect(seenAtCrash).toEqual([
      { instances: 1, segments: expect.arrayContaining(['lifecycle:honeymoon']) },
    ]);
    // The redelivered task saw the same move, fed the same event (ignored), then committed.
    expect(await segmentsOf(mei)).toContain('lifecycle:at-risk');
    expect(w.takeLines()).toEqual(['2026-12-12T08:00 winback-miss-you']);
    expect(await w.instances.ofCustomer('tea', mei)).toHaveLength(1);
  });

  it('a later run as of the same instant, finding the same moves, makes the same events: nothing new', async () => {
    // A journey that ends at once and may start again any time: only the event's id tells a repeat.
    const { w, deps, refresh, segments, queue, segmentsOf } = await refreshWorld({ winBack: false });
    const journeyDeps = { journeys: w.journeys, clock: w.clock.now };
    await createJourney(journeyDeps, w.settings, {
      id: 'at-risk-note',
      name: 'A note when at risk',
      trigger: { type: 'segment', segments: ['lifecycle:at-risk'], on: 'entered' },
      steps: [
        { id: 'note', type: 'send', channel: 'email', template: 'at-risk-note', purpose: 'transactional' },
      ],
      reentry: { mode: 'always' },
    });
    await setJourneyEnabled(journeyDeps, w.settings, 'at-risk-note', true);
    await refresh();
    const placed = await segmentsOf(mei);
    w.clock.set('2026-12-12T08:00:00.000Z');
    await refresh();
    expect(w.takeLines()).toEqual(['2026-12-12T08:00 at-risk-note']);
    // Mei's memberships put back as if the commit had never happened; a manual fire a minute later,
    // as of the same instant, is a new run that finds the same moves.
    const moved = await segmentsOf(mei);
    const version = w.table.get(keys.customer('tea', mei), 'profile')?.stored.version ?? -1;
    const change = {
      segments: placed,
      joined: placed.filter((s) => !moved.includes(s)),
      left: moved.filter((s) => !placed.includes(s)),
    };
    expect(await segments.setMemberships('tea', mei, version, change)).toBe(true);
    w.clock.advance({ minutes: 1 });
    await startRefreshes(deps, { shopIds: ['tea'], asOf: '2026-12-12T08:00:00.000Z' });
    await queue.drain(2, (t) => runRefreshTask(deps, t));
    await w.settle();
    expect(await segmentsOf(mei)).toContain('lifecycle:at-risk');
    expect(w.takeLines()).toEqual([]);
    expect(await w.instances.ofCustomer('tea', mei)).toHaveLength(1);
  });

  it('reads and writes nothing for journeys when no enabled journey starts on or hears a segment', async () => {
    const { w, refresh, enabledReads, instanceReads } = await refreshWorld({ winBack: false });
    const writes = w.instances.writes;
    await refresh();
    // The first placement moves nobody who was placed before: not even the journeys are listed.
    expect(enabledReads()).toBe(0);
    w.clock.set('2026-12-12T08:00:00.000Z');
    await refresh();
    expect(await w.customer(mei)).toMatchObject({ segments: expect.arrayContaining(['lifecycle:at-risk']) });
    // One (cached) listing of the enabled journeys per shard where a placed customer moved; no more.
    expect(enabledReads()).toBeGreaterThan(0);
    expect(enabledReads()).toBeLessThanOrEqual(2);
    expect(instanceReads()).toBe(0);
    expect(w.instances.writes).toBe(writes);
    expect(w.takeLines()).toEqual([]);
  });
});
