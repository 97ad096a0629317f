import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../../../shared/domain/journeys/definition.js';
import { start } from '../../../../../shared/domain/journeys/interpreter.js';
import { addDuration, instantOf, localOf } from '../../../../../shared/domain/journeys/time.js';
import { customer, event } from './harness.js';

// Northern and southern DST (Sydney moves its clocks in April and October) and a zone without DST.
const dstZones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Shanghai'];
// 2026 with every zone's spring and autumn changes, and the weeks around them.
const instant = fc.integer({
  min: Date.parse('2026-03-01T00:00:00Z'),
  max: Date.parse('2026-11-15T00:00:00Z'),
});
const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }));
const pad = (n: number) => String(n).padStart(2, '0');

function waitUntilJourney(at: string) {
  return parseDefinition({
    id: 'tod',
    version: 1,
    name: 'time of day',
    trigger: { type: 'event', event: 'signed_up' },
    steps: [
      { id: 'until', type: 'waitUntil', at, zone: 'customer' },
      { id: 'hello', type: 'send', channel: 'email', template: 'hello', purpose: 'transactional' },
    ],
  });
}

describe('wall-clock arithmetic', () => {
  it('names skipped and repeated times as the clocks do', () => {
    // New York springs forward at 02:00 on 8 March 2026: 02:30 does not exist and means 03:30.
    expect(
      instantOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York').toISOString(),
    ).toBe('2026-03-08T07:30:00.000Z');
    // It falls back at 02:00 on 1 November: 01:30 happens twice, the first is meant.
    expect(
      instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York').toISOString(),
    ).toBe('2026-11-01T05:30:00.000Z');
    expect(
      instantOf({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, 'Europe/London').toISOString(),
    ).toBe('2026-03-29T01:30:00.000Z');
  });

  it('a wait until a time of day wakes at that time on the customer clock, across DST changes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...dstZones), instant, hhmm, (zone, now, [h, m]) => {
        const def = waitUntilJourney(`${pad(h)}:${pad(m)}`);
        const started = start(
          def,
          { ...event('signed_up'), occurredAt: new Date(now).toISOString() },
          customer({ timeZone: zone }),
          new Date(now),
        );
        const wake = started?.actions.find((a) => a.type === 'wakeAt');
        const sent = started?.actions.find((a) => a.type === 'send');
        const at = wake?.type === 'wakeAt' ? Date.parse(wake.at) : now;
        if (!wake) expect(sent).toBeDefined(); // already that time: goes at once
        expect(at).toBeGreaterThanOrEqual(now);
        expect(at - now).toBeLessThanOrEqual(25 * 3_600_000);
        const local = localOf(new Date(at), zone);
        const skipped = local.hour !== h || local.minute !== m;
        if (skipped) {
          // Only a time the clocks skipped lands elsewhere: one hour on, on the day of the change.
          const hourEarlier = localOf(new Date(at - 3_600_000), zone);
          expect(hourEarlier.hour === h && hourEarlier.minute === m).toBe(false);
          expect((local.hour * 60 + local.minute - (h * 60 + m) + 1440) % 1440).toBe(60);
        }
      }),
    );
  });

  it('a wait of whole days keeps the wall-clock time across DST changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dstZones),
        instant,
        fc.integer({ min: 1, max: 60 }),
        (zone, now, days) => {
          const from = new Date(Math.floor(now / 60_000) * 60_000);
          const to = addDuration(from, { days }, zone);
          const a = localOf(from, zone);
          const b = localOf(to, zone);
          // Only a start inside the repeated hour, or a landing in the skipped one, may differ (by the hour).
          const sameWall = a.hour === b.hour && a.minute === b.minute;
          if (!sameWall)
            expect(Math.abs(to.getTime() - from.getTime() - days * 86_400_000)).toBeLessThanOrEqual(
              3_600_000,
            );
          const dayDiff =
            (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000;
          expect(dayDiff).toBe(days);
        },
      ),
    );
  });
});
