import { z } from 'zod';
import { addDays, isoDay } from './time.js';

/**
 * A shop's holiday calendar: the days holiday care is sent on. A holiday is on a fixed day every
 * year, on the nth weekday of a month (Mother's Day), or on dates listed by year (Lunar New Year,
 * which follows the moon and is looked up, not computed).
 */

const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'MM-DD');
const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD');

export const holidaySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1).max(128),
  on: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('fixed'), day: monthDay }),
    z.strictObject({
      type: z.literal('nthWeekday'),
      month: z.number().int().min(1).max(12),
      /** 0 = Sunday. */
      weekday: z.number().int().min(0).max(6),
      n: z.number().int().min(1).max(5),
    }),
    z.strictObject({ type: z.literal('dates'), dates: z.array(isoDate).min(1) }),
  ]),
});

export const holidayCalendarSchema = z.array(holidaySchema).superRefine((holidays, ctx) => {
  const seen = new Set<string>();
  holidays.forEach((h, i) => {
    if (seen.has(h.id))
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate holiday ${h.id}` });
    seen.add(h.id);
  });
});

export type Holiday = z.infer<typeof holidaySchema>;
export type HolidayCalendar = Holiday[];

/** Lunar New Year (Spring Festival), the first day of the first lunar month, 2024-2035. */
export const lunarNewYear: readonly string[] = [
  '2024-02-10',
  '2025-01-29',
  '2026-02-17',
  '2027-02-06',
  '2028-01-26',
  '2029-02-13',
  '2030-02-03',
  '2031-01-23',
  '2032-02-11',
  '2033-01-31',
  '2034-02-19',
  '2035-02-08',
];

export const defaultHolidayCalendar: HolidayCalendar = [
  { id: 'womens-day', name: "Women's Day", on: { type: 'fixed', day: '03-08' } },
  { id: 'mothers-day', name: "Mother's Day", on: { type: 'nthWeekday', month: 5, weekday: 0, n: 2 } },
  { id: '618', name: '6.18', on: { type: 'fixed', day: '06-18' } },
  { id: 'double-11', name: 'Double 11', on: { type: 'fixed', day: '11-11' } },
  { id: 'double-12', name: 'Double 12', on: { type: 'fixed', day: '12-12' } },
  { id: 'lunar-new-year', name: 'Lunar New Year', on: { type: 'dates', dates: [...lunarNewYear] } },
];

/** The holiday's day (YYYY-MM-DD) in a year, or null when it has none that year. */
export function holidayDate(holiday: Holiday, year: number): string | null {
  const on = holiday.on;
  switch (on.type) {
    case 'fixed':
      return `${year}-${on.day}`;
    case 'nthWeekday': {
      const first = new Date(Date.UTC(year, on.month - 1, 1)).getUTCDay();
      const day = 1 + ((on.weekday - first + 7) % 7) + (on.n - 1) * 7;
      const date = addDays({ year, month: on.month, day: 1 }, day - 1);
      return date.month === on.month ? isoDay(date) : null;
    }
    case 'dates':
      return on.dates.find((d) => d.startsWith(`${year}-`)) ?? null;
  }
}

/** The holidays that fall on a day (YYYY-MM-DD). */
export function holidaysOn(calendar: HolidayCalendar, day: string): Holiday[] {
  const year = Number(day.slice(0, 4));
  return calendar.filter((h) => holidayDate(h, year) === day);
}

/** The calendar a shop's holiday journeys go by: its own, or the defaults. */
export function calendarOf(shop: { holidays?: HolidayCalendar }): HolidayCalendar {
  return shop.holidays ?? defaultHolidayCalendar;
}
