import { describe, expect, it } from 'vitest';
import { ev, journeysWorld, reachable } from '../../../../support/journeys-world.js';

/**
 * Playbooks end to end on fakes: events in through the API and the stream, the clock moved on,
 * the exact send requests out. Times are UTC; the tea shop is in Asia/Shanghai (UTC+8), so its
 * quiet hours (21:00-09:00) are 13:00-01:00 UTC. The clock starts at 2026-11-02T08:00Z (16:00 there).
 */

describe('unpaid order reminder (on by default)', () => {
  it('reminds 30 minutes after each unpaid order, calls last before the auto-close, and exits on payment', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.post([ev.placed('o1', 'SO-1'), ev.placed('o2', 'SO-2', { total: 50 })]);
    await w.runUntil('2026-11-02T08:29:00.000Z');
    expect(w.takeLines()).toEqual([]);
    await w.runUntil('2026-11-02T08:31:00.000Z');
    expect(w.takeLines()).toEqual([
      '2026-11-02T08:30 unpaid-reminder SO-1',
      '2026-11-02T08:30 unpaid-reminder SO-2',
    ]);
    await w.postAt('2026-11-02T09:00:00.000Z', [ev.paid('p1', 'SO-1')]);
    await w.runUntil('2026-11-06T00:00:00.000Z');
    // Paying made her a member: a first tier, no notice. The last call is transactional: quiet hours
    // and caps do not hold it back.
    expect(w.takeLines()).toEqual(['2026-11-05T06:00 unpaid-last-call SO-2']);
    const reminders = w.delivered.filter((r) => r.templateId === 'unpaid-reminder');
    expect(reminders[0]).toMatchObject({
      channel: 'sms',
      purpose: 'transactional',
      intent: {
        shopId: 'tea',
        customerId: 'c-1',
        source: { kind: 'journey', journeyId: 'unpaid-order-reminder' },
        step: 'reminder',
      },
      expiresAt: '2026-11-02T10:30:00.000Z',
    });
    expect(new Set(w.delivered.map((r) => r.sendId)).size).toBe(w.delivered.length);
  });

  it('starts nothing for an order reported already paid', async () => {
    const w = journeysWorld();
    await w.person('c-1');
    await w.post([ev.placed('o1', 'SO-1', { paidAt: '2026-11-02T08:00:00.000Z' })]);
    await w.runUntil('2026-11-06T00:00:00.000Z');
    // Nothing at all: no reminder for a paid order, and a first tier is no news.
    expect(w.takeLines()).toEqual([]);
    expect(w.instances.all().map((r) => r.instance.journeyId)).toEqual([]);
  });
});

describe('welcome series', () => {
  it('sends the account mail at once, the marketing steps in their slot, and skips the buying nudge after an order', async () => {
    const w = journeysWorld();
    await w.enable('welcome-series');
    const a = reachable('welcome-series');
    const b = reachable('welcome-series', 'b');
    await w.person(a);
    await w.person(b);
    await w.post([ev.signedUp('s1', a), ev.signedUp('s2', b)]);
    expect(w.takeLines()).toEqual(['2026-11-02T08:00 welcome-account', '2026-11-02T08:00 welcome-account']);
    await w.postAt('2026-11-02T10:00:00.000Z', [ev.placed('b-o1', 'SO-9', { customerId: b, total: 20 })]);
    await w.runUntil('2026-11-08T00:00:00.000Z');
    const lines = w.takeLines();
    expect(lines).toEqual([
      '2026-11-02T10:30 unpaid-reminder SO-9',
      '2026-11-03T08:00 welcome-need-help',
      '2026-11-05T08:00 unpaid-last-call SO-9',
      // a is warm (one contact): one marketing message a week, and the ask expires before her next slot.
      '2026-11-06T08:00 welcome-feedback (withheld: activity-cap-past-expiry)',
      '2026-11-06T08:00 welcome-feedback',
    ]);
    const by = (template: string) =>
      w.delivered
        .filter((r) => r.templateId === template)
        .map((r) => [r.intent.customerId, r.withheld?.reason ?? 'sent']);
    expect(by('welcome-need-help')).toEqual([[a, 'sent']]);
    expect(by('welcome-feedback')).toEqual([
      [a, 'activity-cap-past-expiry'],
      [b, 'sent'],
    ]);
  });
});
