import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../../shared/domain/errors.js';
import { segmentEvent } from '../../../../../shared/domain/journeys/triggers.js';
import { isHeldOut, isInGlobalControl } from '../../../../../shared/domain/sending/holdout.js';
import { applyNewEvents } from '../../../../../shared/use-cases/customers/apply-events.js';
import { feedStoredEvents } from '../../../../../shared/use-cases/journeys/feed-events.js';
import {
  createJourney,
  setJourneyEnabled,
} from '../../../../../shared/use-cases/journeys/journey-definitions.js';
import { runDueSteps } from '../../../../../shared/use-cases/journeys/run-due-steps.js';
import { ev, journeysWorld } from '../../../../support/journeys-world.js';

describe('cart abandonment (marketing: enabled by the shop)', () => {
  it('reminds after an hour of quiet, then as caps allow, dropping what expires first, the discount with its code', async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('cart-abandonment');
    await w.post([ev.cart('k1', id)]);
    // A change to the cart 20 minutes later starts the hour again.
    await w.postAt('2026-11-02T08:20:00.000Z', [ev.cart('k2', id)]);
    await w.runUntil('2026-11-12T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T09:20 cart-reminder',
      // Warm (one week, one marketing message): the day 2, 3 and 5 reminders expire before her next slot.
      '2026-11-03T09:20 cart-reminder (withheld: activity-cap-past-expiry)',
      '2026-11-04T09:20 cart-reminder (withheld: activity-cap-past-expiry)',
      '2026-11-06T09:20 cart-continue (withheld: activity-cap-past-expiry)',
      // Day 7 is a week after the first reminder: her slot has opened again.
      '2026-11-09T09:20 cart-discount [coupon]',
    ]);
    const discount = w.delivered.at(-1);
    expect(discount?.data?.coupon).toMatchObject({
      ruleId: 'from-100-3-off',
      code: expect.stringMatching(/^[A-Z2-9]{10}$/),
    });
  });

  it('stops at the order', async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('cart-abandonment');
    await w.post([ev.cart('k1', id)]);
    await w.runUntil('2026-11-02T12:00:00.000Z');
    await w.postAt('2026-11-02T12:00:00.000Z', [
      ev.placed('o1', 'SO-1', { customerId: id, paidAt: '2026-11-02T12:00:00.000Z' }),
    ]);
    await w.runUntil('2026-11-12T00:00:00.000Z');
    expect(w.takeLines()).toEqual(['2026-11-02T09:00 cart-reminder']);
    expect(
      w.instances.all().find((r) => r.instance.journeyId === 'cart-abandonment')?.instance,
    ).toMatchObject({
      status: 'ended',
      exitReason: 'event:order_placed',
    });
  });

  it('waits out quiet hours: a cart left at 22:00 shop time is remembered at 09:00', async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('cart-abandonment');
    await w.postAt('2026-11-02T14:00:00.000Z', [ev.cart('k1', id)]);
    await w.runUntil('2026-11-03T02:00:00.000Z');
    expect(w.takeLines()).toEqual(['2026-11-03T01:00 cart-reminder']);
  });
});

describe('birthday', () => {
  it('greets on the day at 09:00 shop time with a coupon, once a year', async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('birthday', { birthday: '1990-11-05' });
    // Any event is news of the birthday to journeys: the date goes into the index.
    await w.post([ev.viewed('v1', id)]);
    await w.runUntil('2027-11-06T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-05T01:00 birthday 2026-11-05 [coupon]',
      '2027-11-05T01:00 birthday 2027-11-05 [coupon]',
    ]);
  });
});

describe('dormant win-back', () => {
  it('starts on entering the segment, escalates within the dormant cap, and stops at an order', async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('dormant-win-back');
    await w.feed(id, segmentEvent('lifecycle:dormant', 'entered', id, w.clock.now()));
    await w.runUntil('2026-12-20T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 winback-miss-you',
      // Dormant: one marketing message a month; the first two offers expire before the slot.
      '2026-11-09T08:00 winback-offer [coupon] (withheld: activity-cap-past-expiry)',
      '2026-11-23T08:00 winback-offer [coupon] (withheld: activity-cap-past-expiry)',
      '2026-12-07T08:00 winback-last [coupon]',
    ]);
    // A second entry within 90 days starts nothing.
    await w.feed(id, segmentEvent('lifecycle:at-risk', 'entered', id, w.clock.now()));
    expect(w.takeLines()).toEqual([]);
  });
});

describe('the runtime', () => {
  it('merges marketing messages due together into one, and records the others as merged', async () => {
    const w = journeysWorld();
    const deps = { journeys: w.journeys, clock: w.clock.now };
    for (const [id, priority] of [
      ['new-arrivals', 3],
      ['tea-tips', 7],
    ] as const) {
      await createJourney(deps, w.settings, {
        id,
        name: id,
        trigger: { type: 'event', event: 'page_viewed' },
        steps: [{ id: 'note', type: 'send', channel: 'email', template: id, purpose: 'marketing', priority }],
        reentry: { mode: 'never' },
      });
      await setJourneyEnabled(deps, w.settings, id, true);
    }
    let n = 1;
    const reached = (id: string) =>
      !isInGlobalControl('tea', id) &&
      ['new-arrivals', 'tea-tips'].every((journeyId) => !isHeldOut('tea', id, { journeyId, stepId: 'note' }));
    while (!reached(`m-${n}`)) n += 1;
    const id = `m-${n}`;
    await w.person(id);
    await w.post([ev.viewed('v1', id)]);
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 new-arrivals (withheld: merged)',
      '2026-11-02T08:00 tea-tips +1 merged',
    ]);
    const [merged, head] = w.delivered;
    expect(merged?.withheld?.reason).toBe(`merged:${head?.sendId}`);
    expect(head?.data?.merged).toEqual([
      { sendId: merged?.sendId, templateId: 'new-arrivals', data: expect.objectContaining({ key: null }) },
    ]);
  });

  it('records a message for a customer without consent as withheld, never drops it silently', async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('welcome-series', { consent: { email: { marketing: false } } });
    await w.post([ev.signedUp('s1', id)]);
    await w.runUntil('2026-11-04T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 welcome-account',
      '2026-11-03T08:00 welcome-need-help (withheld: unsubscribed)',
    ]);
  });

  it('applies a replayed stream batch once: no second request, no second write', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.ingest([{ ...ev.placed('o1', 'SO-1'), occurredAt: w.clock.iso() }]);
    const batch = w.table.takeStream();
    expect(await applyNewEvents(w.customerDeps, batch)).toEqual(new Set());
    expect(await feedStoredEvents(w.deps, batch, new Set())).toEqual(new Set());
    const writes = w.instances.writes;
    const pointers = w.due.pending().length;
    expect(await feedStoredEvents(w.deps, batch, new Set())).toEqual(new Set());
    expect(w.instances.writes).toBe(writes);
    expect(w.due.pending()).toHaveLength(pointers);
    await w.runUntil('2026-11-02T09:00:00.000Z');
    expect(w.delivered.filter((r) => r.templateId === 'unpaid-reminder')).toHaveLength(1);
  });

  /** A customer's unpaid order at 08:00, the clock at 08:30 when its reminder falls due. */
  const reminderDue = async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.post([ev.placed('o1', 'SO-1')]);
    w.clock.set('2026-11-02T08:30:00.000Z');
    return w;
  };

  it('resumes a shard from its cursor after a failed tick: the reminder goes a minute late, once', async () => {
    const w = await reminderDue();
    w.due.faults.failNext('dueIn');
    expect(await w.tick()).toMatchObject({ busyShards: 1, failedShards: 1, queued: 0 });
    w.clock.set('2026-11-02T08:31:00.000Z');
    expect(await w.tick()).toMatchObject({ busyShards: 1, failedShards: 0, queued: 1 });
    w.clock.set('2026-11-02T08:32:00.000Z');
    await w.tick();
    expect(w.takeLines()).toEqual(['2026-11-02T08:31 unpaid-reminder SO-1']);
  });

  it('sends once when the run dies after saving the instance and before handing over its send', async () => {
    const w = await reminderDue();
    // The tick saves the instance with its reminder owed, then dies handing it to the queue.
    w.queue.faults.failNext('enqueue');
    expect(await w.tick()).toMatchObject({ failedShards: 0, queued: 0 });
    expect(w.takeLines()).toEqual([]);
    // No pointer guards the owed send: the customer's pointer is tried again a minute on, and finds it.
    w.clock.set('2026-11-02T08:31:00.000Z');
    expect(await w.tick()).toMatchObject({ failedShards: 0, queued: 1 });
    await w.runUntil('2026-11-02T09:00:00.000Z');
    expect(w.takeLines()).toEqual(['2026-11-02T08:31 unpaid-reminder SO-1']);
  });

  it('passes over the pointers of a shop that is gone instead of keeping the shard', async () => {
    const w = await reminderDue();
    const settings = w.deps.shopSettings;
    w.deps.shopSettings = async (shopId) => {
      if (shopId === 'tea') throw new NotFoundError(`shop ${shopId}`);
      return settings(shopId);
    };
    expect(await w.tick()).toMatchObject({ busyShards: 1, failedShards: 0, queued: 0 });
    w.deps.shopSettings = settings;
    w.clock.set('2026-11-02T08:31:00.000Z');
    // The cursor moved on: the minute is not run again.
    expect(await w.tick()).toMatchObject({ busyShards: 0, queued: 0 });
  });

  it('decides again after losing a race for an instance, and sends once', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    let raced = false;
    w.instances.beforeSave = (record) => {
      if (raced || record.rev === 0) return;
      raced = true;
      w.instances.touch('tea', 'c-1', record.instance.instanceId);
    };
    await w.post([ev.placed('o1', 'SO-1')]);
    await w.runUntil('2026-11-02T09:00:00.000Z');
    expect(raced).toBe(true);
    expect(w.takeLines()).toEqual(['2026-11-02T08:30 unpaid-reminder SO-1']);
  });

  it('costs one read of the cursors for an idle minute', async () => {
    const w = journeysWorld();
    const reads = w.due.reads;
    for (let minute = 0; minute < 60; minute++) {
      w.clock.advance({ minutes: 1 });
      expect(await runDueSteps(w.deps, w.clock.now())).toMatchObject({ busyShards: 0, queued: 0 });
    }
    expect(w.due.reads - reads).toBe(60);
  });
});

describe('holdouts', () => {
  it('withholds a held-out customer’s marketing step, recorded, and never holds out care', async () => {
    const w = journeysWorld();
    await w.enable('welcome-series');
    let n = 1;
    const heldOut = (id: string) =>
      !isInGlobalControl('tea', id) &&
      isHeldOut('tea', id, { journeyId: 'welcome-series', stepId: 'need-help' }) &&
      !isHeldOut('tea', id, { journeyId: 'welcome-series', stepId: 'account' });
    while (!heldOut(`h-${n}`)) n += 1;
    const id = `h-${n}`;
    await w.person(id);
    await w.post([ev.signedUp('s1', id)]);
    await w.runUntil('2026-11-04T00:00:00.000Z');
    const lines = w.takeLines();
    expect(lines.slice(0, 2)).toEqual([
      '2026-11-02T08:00 welcome-account',
      '2026-11-03T08:00 welcome-need-help (withheld: held-out)',
    ]);
  });
});
