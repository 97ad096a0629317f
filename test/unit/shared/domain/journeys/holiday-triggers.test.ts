import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultHolidayCalendar } from '../../../../../shared/domain/journeys/calendar.js';
import { playbook } from '../../../../../shared/domain/journeys/playbooks.js';
import { localOf } from '../../../../../shared/domain/journeys/time.js';
import {
  holidayTriggersBetween,
  nextDateTrigger,
  nextHolidayTrigger,
} from '../../../../../shared/domain/journeys/triggers.js';

const def = playbook('holiday-care');
if (def.trigger.type !== 'holiday') throw new Error('holiday trigger');
const trigger = def.trigger;
const zones = ['Asia/Shanghai', 'Asia/Kolkata', 'America/New_York', 'Europe/Berlin', 'Pacific/Chatham'];
const day = 86_400_000;

describe('the holidays a tick looks back over', () => {
  it('are those whose 10:00 came in the window, on the shop clock, oldest first', () => {
    const found = holidayTriggersBetween(
      trigger,
      defaultHolidayCalendar,
      'Asia/Shanghai',
      new Date('2026-11-10T20:00:00Z'),
      new Date('2026-12-12T02:00:00Z'),
    );
    expect(found.map((t) => [t.at.toISOString(), t.event.id])).toEqual([
      ['2026-11-11T02:00:00.000Z', 'holiday#double-11#2026-11-11'],
      ['2026-12-12T02:00:00.000Z', 'holiday#double-12#2026-12-12'],
    ]);
    // The window is open at its start: a tick an hour later does not take 10:00 again.
    expect(
      holidayTriggersBetween(
        trigger,
        defaultHolidayCalendar,
        'Asia/Shanghai',
        new Date('2026-11-11T02:00:00Z'),
        new Date('2026-11-11T03:00:00Z'),
      ),
    ).toEqual([]);
  });

  it('takes both holidays of one day, and only those the trigger names', () => {
    const calendar = [
      ...defaultHolidayCalendar,
      { id: 'tea-day', name: 'Tea day', on: { type: 'fixed' as const, day: '11-11' } },
    ];
    const window = [new Date('2026-11-11T00:00:00Z'), new Date('2026-11-11T03:00:00Z')] as const;
    const ids = (t: typeof trigger) =>
      holidayTriggersBetween(t, calendar, 'Asia/Shanghai', ...window).map((d) => d.event.id);
    expect(ids(trigger)).toEqual(['holiday#double-11#2026-11-11', 'holiday#tea-day#2026-11-11']);
    expect(ids({ ...trigger, holidays: ['tea-day'] })).toEqual(['holiday#tea-day#2026-11-11']);
  });

  it('agree with nextHolidayTrigger in any zone and window, each at 10:00 on its day there', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2033-01-01T00:00:00Z') }),
        fc.integer({ min: 0, max: 400 * day }),
        (zone, from, span) => {
          const after = new Date(from);
          const through = new Date(from + span);
          const found = holidayTriggersBetween(trigger, defaultHolidayCalendar, zone, after, through);
          const next = nextHolidayTrigger(trigger, defaultHolidayCalendar, zone, new Date(from + 1));
          if (found.length === 0) expect(next === null || next.at > through).toBe(true);
          else expect(found[0]?.at).toEqual(next?.at);
          for (const t of found) {
            expect(t.at > after && t.at <= through).toBe(true);
            const local = localOf(t.at, zone);
            expect([local.hour, local.minute]).toEqual([10, 0]);
            expect(t.event.properties.on).toBe(
              `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`,
            );
          }
          expect(new Set(found.map((t) => t.event.id)).size).toBe(found.length);
        },
      ),
    );
  });
});

describe('a birthday on the customer clock', () => {
  const birthday = playbook('birthday').trigger;
  if (birthday.type !== 'date') throw new Error('date trigger');
  const customer = (traits: Record<string, string>) => ({
    customerId: 'c-1',
    traits,
    firstOrderAt: null,
    shopTimeZone: 'Asia/Shanghai',
  });

  it('goes by the customer’s timeZone trait, else the shop’s clock', () => {
    const after = new Date('2026-11-01T00:00:00Z');
    const at = (traits: Record<string, string>) =>
      nextDateTrigger(birthday, customer(traits), after)?.at.toISOString();
    expect(at({ birthday: '--11-05', timeZone: 'America/New_York' })).toBe('2026-11-05T14:00:00.000Z');
    expect(at({ birthday: '--11-05' })).toBe('2026-11-05T01:00:00.000Z');
  });
});

describe('a first-order anniversary', () => {
  it('comes round on the order’s day on the shop clock, from the next year on', () => {
    const trigger = {
      type: 'date' as const,
      date: 'firstOrderAnniversary' as const,
      at: '10:00',
      zone: 'shop' as const,
    };
    const customer = {
      customerId: 'c-1',
      traits: {},
      // 23:30 on 1 November in UTC is 07:30 on 2 November in Shanghai.
      firstOrderAt: '2026-11-01T23:30:00.000Z',
      shopTimeZone: 'Asia/Shanghai',
    };
    const next = (after: string) => nextDateTrigger(trigger, customer, new Date(after));
    expect(next('2026-11-02T00:00:00Z')?.at.toISOString()).toBe('2027-11-02T02:00:00.000Z');
    expect(next('2027-11-02T02:00:00.001Z')?.event).toMatchObject({
      id: 'date_reached#firstOrderAnniversary#c-1#2028-11-02',
      properties: { date: 'firstOrderAnniversary', on: '2028-11-02' },
    });
  });
});
