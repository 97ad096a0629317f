import { describe, expect, it } from 'vitest';
import { ev, journeysWorld } from '../../../../support/journeys-world.js';

/**
 * Cancellation and delivery updates in the per-order playbooks, as step tables on fakes: events in
 * through the API and the stream, the clock moved on, the send requests out as
 * `<UTC minute> <template> <key>`. The tea shop is in Asia/Shanghai (UTC+8); the clock starts at
 * 2026-11-02T08:00Z (16:00 there).
 */

describe('unpaid order reminder', () => {
  it('stops for the order cancelled, not for the other one', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.post([ev.placed('o1', 'SO-1'), ev.placed('o2', 'SO-2')]);
    await w.postAt('2026-11-02T08:10:00.000Z', [ev.cancelled('x1', 'SO-1')]);
    await w.runUntil('2026-11-06T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:30 unpaid-reminder SO-2',
      '2026-11-05T06:00 unpaid-last-call SO-2',
    ]);
  });
});

describe('order care with delivery updates', () => {
  it('sends a notice per stage the shop reports, then the review request three days after delivered', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.post([ev.shipped('s1', 'SO-1')]);
    await w.postAt('2026-11-03T01:00:00.000Z', [ev.delivery('d1', 'SO-1', 'arrived_in_city')]);
    // The carrier scans the parcel into the city twice: one notice.
    await w.postAt('2026-11-03T02:00:00.000Z', [ev.delivery('d2', 'SO-1', 'arrived_in_city')]);
    await w.postAt('2026-11-04T00:30:00.000Z', [ev.delivery('d3', 'SO-1', 'out_for_delivery')]);
    await w.postAt('2026-11-04T05:00:00.000Z', [ev.delivery('d4', 'SO-1', 'delivered')]);
    await w.runUntil('2026-11-20T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 order-shipped SO-1',
      '2026-11-03T01:00 order-arrived SO-1',
      '2026-11-04T00:30 order-out-for-delivery SO-1',
      '2026-11-04T05:00 order-delivered SO-1',
      // Three days after delivered is 13:00 in Shanghai: the request waits for 10:00 the day after.
      '2026-11-08T02:00 review-request SO-1',
    ]);
    expect(w.delivered.find((r) => r.templateId === 'order-out-for-delivery')).toMatchObject({
      channel: 'sms',
      purpose: 'transactional',
      expiresAt: '2026-11-04T06:30:00.000Z',
    });
  });

  it('sends only what the shop reports, never a stage behind one already told, and a review a week after the latest news without delivered', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.person('c-2');
    await w.post([ev.shipped('s1', 'SO-1'), ev.shipped('s2', 'SO-2', 'c-2')]);
    // SO-1: out for delivery first, then a late "arrived" scan, then no delivered at all.
    await w.postAt('2026-11-03T01:00:00.000Z', [ev.delivery('d1', 'SO-1', 'out_for_delivery')]);
    await w.postAt('2026-11-03T02:00:00.000Z', [ev.delivery('d2', 'SO-1', 'arrived_in_city')]);
    // SO-2: the shop reports delivered only.
    await w.post([ev.delivery('d3', 'SO-2', 'delivered', 'c-2')]);
    await w.runUntil('2026-11-20T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 order-shipped SO-1',
      '2026-11-02T08:00 order-shipped SO-2',
      '2026-11-03T01:00 order-out-for-delivery SO-1',
      '2026-11-03T02:00 order-delivered SO-2',
      // Three days after delivered is 10:00 in Shanghai to the minute.
      '2026-11-06T02:00 review-request SO-2',
      // No delivered for SO-1: a week after its latest news (the late scan), at 10:00 there.
      '2026-11-10T02:00 review-request SO-1',
    ]);
  });

  it('ends on a cancellation of that order, and an update of another order moves nothing', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.post([ev.shipped('s1', 'SO-1'), ev.shipped('s2', 'SO-2')]);
    await w.postAt('2026-11-03T01:00:00.000Z', [
      ev.cancelled('x1', 'SO-1'),
      ev.delivery('d1', 'SO-1', 'arrived_in_city'),
    ]);
    await w.runUntil('2026-11-20T00:00:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:00 order-shipped SO-1',
      '2026-11-02T08:00 order-shipped SO-2',
      // A week after shipping is 16:00 in Shanghai: 10:00 the day after.
      '2026-11-10T02:00 review-request SO-2',
    ]);
  });
});
