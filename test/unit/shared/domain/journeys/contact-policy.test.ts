import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ContactRecord,
  type CustomerContact,
  type DueMessage,
  decide,
  defaultContactPolicy,
  tally,
} from '../../../../../shared/domain/journeys/contact-policy.js';
import { dayMs, isoDay, localOf, minuteOfDay } from '../../../../../shared/domain/journeys/time.js';

const policy = defaultContactPolicy('Asia/Shanghai');
const consenting = {
  email: 'a@example.com',
  phone: '+8613800000000',
  consent: { email: { marketing: true }, sms: { marketing: true } },
};
const contact = (over: Partial<CustomerContact> = {}): CustomerContact => ({
  customerId: 'c1',
  activity: 'active',
  traits: consenting,
  sent: [],
  ...over,
});
const msg = (messageId: string, over: Partial<DueMessage> = {}): DueMessage => ({
  messageId,
  customerId: 'c1',
  channel: 'email',
  purpose: 'marketing',
  priority: 5,
  dueAt: '2026-05-04T02:00:00.000Z',
  expiresAt: null,
  ...over,
});
const noon = new Date('2026-05-04T04:00:00.000Z'); // 12:00 in Shanghai
const late = new Date('2026-05-04T14:00:00.000Z'); // 22:00 in Shanghai

describe('contact policy', () => {
  it.each([
    [
      'sends marketing in the day',
      [msg('m')],
      contact(),
      noon,
      [{ messageId: 'm', outcome: 'send', merged: [] }],
    ],
    [
      'holds marketing through quiet hours until 09:00 shop time',
      [msg('m')],
      contact(),
      late,
      [{ messageId: 'm', outcome: 'defer', until: '2026-05-05T01:00:00.000Z', reason: 'quiet-hours' }],
    ],
    [
      'drops a message that would go after it expired',
      [msg('m', { expiresAt: '2026-05-04T23:00:00.000Z' })],
      contact(),
      late,
      [{ messageId: 'm', outcome: 'drop', reason: 'quiet-hours-past-expiry' }],
    ],
    [
      'sends transactional messages in quiet hours and past caps',
      [msg('t', { purpose: 'transactional' })],
      contact({ sent: [{ at: '2026-05-04T13:00:00.000Z', channel: 'email', purpose: 'marketing' }] }),
      late,
      [{ messageId: 't', outcome: 'send', merged: [] }],
    ],
    [
      'never sends transactional messages against a recorded no',
      [msg('t', { purpose: 'transactional', channel: 'sms' })],
      contact({ traits: { ...consenting, consent: { sms: { care: false } } } }),
      noon,
      [{ messageId: 't', outcome: 'drop', reason: 'unsubscribed' }],
    ],
    [
      'merges marketing due within the window into the highest priority one',
      [
        msg('low', { priority: 2 }),
        msg('high', { priority: 8 }),
        msg('soon', { dueAt: '2026-05-04T04:30:00.000Z' }),
      ],
      contact(),
      noon,
      [
        { messageId: 'low', outcome: 'merged', into: 'high', reason: 'merged' },
        { messageId: 'high', outcome: 'send', merged: ['soon', 'low'] },
        { messageId: 'soon', outcome: 'merged', into: 'high', reason: 'merged' },
      ],
    ],
    [
      'lets one marketing message a day through: the other channel waits for tomorrow',
      [msg('mail', { priority: 6 }), msg('text', { channel: 'sms' })],
      contact(),
      noon,
      [
        { messageId: 'mail', outcome: 'send', merged: [] },
        { messageId: 'text', outcome: 'defer', until: '2026-05-05T01:00:00.000Z', reason: 'daily-limit' },
      ],
    ],
    [
      'keys caps on activity: a warm customer mailed three days ago waits out the week',
      [msg('m')],
      contact({
        activity: 'warm',
        sent: [{ at: '2026-05-01T04:00:00.000Z', channel: 'email', purpose: 'marketing' }],
      }),
      noon,
      [{ messageId: 'm', outcome: 'defer', until: '2026-05-08T04:00:00.000Z', reason: 'activity-cap' }],
    ],
    [
      'an active customer may have a second that week',
      [msg('m')],
      contact({ sent: [{ at: '2026-05-01T04:00:00.000Z', channel: 'email', purpose: 'marketing' }] }),
      noon,
      [{ messageId: 'm', outcome: 'send', merged: [] }],
    ],
    [
      'drops for consent, unsubscribe, suppression, address and expiry, each with its reason',
      [
        msg('no-consent', { channel: 'sms' }),
        msg('unsub'),
        msg('expired', { expiresAt: '2026-05-04T03:00:00.000Z' }),
      ],
      contact({
        traits: { email: 'a@example.com', phone: '+86138', consent: { email: { marketing: false } } },
      }),
      noon,
      [
        { messageId: 'no-consent', outcome: 'drop', reason: 'no-consent' },
        { messageId: 'unsub', outcome: 'drop', reason: 'unsubscribed' },
        { messageId: 'expired', outcome: 'drop', reason: 'expired' },
      ],
    ],
    [
      'never mails a bounced address or a customer without one',
      [msg('bounced'), msg('text', { channel: 'sms', purpose: 'transactional' })],
      contact({ traits: { email: 'a@example.com', suppressed: { email: 'bounced' } } }),
      noon,
      [
        { messageId: 'bounced', outcome: 'drop', reason: 'suppressed' },
        { messageId: 'text', outcome: 'drop', reason: 'no-address' },
      ],
    ],
  ])('%s', (_, due, who, now, expected) => {
    expect(decide(due, who, policy, now)).toEqual(expected);
  });

  it('counts every message not sent by its reason', () => {
    const decisions = decide(
      [msg('a'), msg('b', { channel: 'sms' }), msg('c', { expiresAt: noon.toISOString() })],
      contact(),
      policy,
      noon,
    );
    expect(tally(decisions)).toEqual({ send: 1, 'defer:daily-limit': 1, 'drop:expired': 1 });
  });
});

const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Sydney'];
const instant = fc.integer({
  min: Date.parse('2026-01-01T00:00:00Z'),
  max: Date.parse('2027-12-31T00:00:00Z'),
});

function inQuiet(at: number, zone: string): boolean {
  const m = minuteOfDay(new Date(at), zone);
  return m >= 21 * 60 || m < 9 * 60;
}

describe('contact policy properties', () => {
  it('never sends or schedules marketing inside quiet hours, in any zone and across DST', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        instant,
        fc.constantFrom<'active' | 'warm' | 'dormant'>('active', 'warm', 'dormant'),
        fc.array(fc.integer({ min: 0, max: 40 * dayMs }), { maxLength: 4 }),
        fc.array(
          fc.record({
            channel: fc.constantFrom<'email' | 'sms'>('email', 'sms'),
            priority: fc.integer({ min: 1, max: 10 }),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (zone, now, activity, ago, specs) => {
          const p = defaultContactPolicy(zone);
          const sent: ContactRecord[] = ago.map((a) => ({
            at: new Date(now - a).toISOString(),
            channel: 'email',
            purpose: 'marketing',
          }));
          const due = specs.map((s, i) => msg(`m${i}`, { ...s, dueAt: new Date(now).toISOString() }));
          for (const d of decide(due, contact({ activity, sent }), p, new Date(now))) {
            if (d.outcome === 'send') expect(inQuiet(now, zone)).toBe(false);
            if (d.outcome === 'defer') {
              expect(inQuiet(Date.parse(d.until), zone)).toBe(false);
              expect(Date.parse(d.until)).toBeGreaterThan(now);
            }
          }
        },
      ),
    );
  });

  it('never exceeds the caps or one marketing message a day, whatever arrives when', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom<'active' | 'warm' | 'dormant'>('active', 'warm', 'dormant'),
        instant,
        // Messages arriving over about two months: minutes after the start, channel, priority.
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 60 * 24 * 60 }),
            fc.constantFrom<'email' | 'sms'>('email', 'sms'),
            fc.integer({ min: 1, max: 9 }),
          ),
          { minLength: 1, maxLength: 25 },
        ),
        (zone, activity, start, arrivals) => {
          const p = defaultContactPolicy(zone);
          const cap = p.caps[activity];
          let pending: DueMessage[] = [];
          const sent: ContactRecord[] = [];
          const queue = arrivals
            .map(([minute, channel, priority], i) =>
              msg(`m${i}`, { channel, priority, dueAt: new Date(start + minute * 60_000).toISOString() }),
            )
            .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
          // The runner: at each arrival or deferral time, decide what is due then.
          for (let guard = 0; guard < 500 && (queue.length > 0 || pending.length > 0); guard++) {
            const next = Math.min(...[...queue, ...pending].map((m) => Date.parse(m.dueAt)));
            while (queue.length > 0 && Date.parse((queue[0] as DueMessage).dueAt) <= next)
              pending.push(queue.shift() as DueMessage);
            const due = pending.filter((m) => Date.parse(m.dueAt) <= next);
            const decisions = decide(due, contact({ activity, sent }), p, new Date(next));
            const done = new Set<string>();
            for (const d of decisions) {
              if (d.outcome === 'send')
                sent.push({ at: new Date(next).toISOString(), channel: 'email', purpose: 'marketing' });
              if (d.outcome === 'defer') {
                const m = pending.find((x) => x.messageId === d.messageId) as DueMessage;
                m.dueAt = d.until;
              } else done.add(d.messageId);
            }
            pending = pending.filter((m) => !done.has(m.messageId));
          }
          const times = sent.map((s) => Date.parse(s.at)).sort((a, b) => a - b);
          for (let i = cap.messages; i < times.length; i++)
            expect((times[i] as number) - (times[i - cap.messages] as number)).toBeGreaterThanOrEqual(
              cap.days * dayMs,
            );
          const days = times.map((t) => isoDay(localOf(new Date(t), zone)));
          expect(new Set(days).size).toBe(days.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
