import { instantOf, type LocalDateTime, localOf } from '../time-zones.js';

/**
 * Wall-clock arithmetic in an IANA time zone. Offsets always come from Intl (the tz database the
 * runtime ships), never from a table of our own, so DST rules follow the zone as it is.
 */

export { instantOf, isTimeZone, type LocalDateTime, localOf } from '../time-zones.js';

export interface TimeOfDay {
  hour: number;
  minute: number;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** A calendar date shifted by whole days (month and year lengths handled by Date.UTC). */
export function addDays(
  date: Pick<LocalDateTime, 'year' | 'month' | 'day'>,
  days: number,
): Pick<LocalDateTime, 'year' | 'month' | 'day'> {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export interface Duration {
  days?: number | undefined;
  hours?: number | undefined;
  minutes?: number | undefined;
}

/**
 * `at` plus a duration: days are calendar days on the zone's clock (a day wait keeps the wall time
 * across a DST change), hours and minutes are elapsed time.
 */
export function addDuration(at: Date, d: Duration, timeZone: string): Date {
  let t = at;
  if (d.days) {
    const l = localOf(at, timeZone);
    const shifted = instantOf({ ...l, ...addDays(l, d.days) }, timeZone);
    // Keep the seconds the wall clock dropped.
    t = new Date(shifted.getTime() + (at.getTime() % minuteMs));
  }
  return new Date(t.getTime() + (d.hours ?? 0) * hourMs + (d.minutes ?? 0) * minuteMs);
}

/** A duration as elapsed milliseconds, days taken as 24 hours (for windows, not for scheduling). */
export function durationMs(d: Duration): number {
  return (d.days ?? 0) * dayMs + (d.hours ?? 0) * hourMs + (d.minutes ?? 0) * minuteMs;
}

export function parseTimeOfDay(text: string): TimeOfDay {
  const [hour, minute] = text.split(':').map(Number) as [number, number];
  return { hour, minute };
}

/** The first instant at or after `at` when the zone's clock shows `time` (moved forward if skipped). */
export function nextTimeOfDay(at: Date, time: TimeOfDay, timeZone: string): Date {
  const today = localOf(at, timeZone);
  for (let days = 0; days <= 2; days++) {
    const candidate = instantOf({ ...addDays(today, days), ...time }, timeZone);
    if (candidate.getTime() >= at.getTime()) return candidate;
  }
  throw new Error(`no ${time.hour}:${time.minute} within two days in ${timeZone}`);
}

/** Minutes since local midnight on the zone's clock. */
export function minuteOfDay(at: Date, timeZone: string): number {
  const l = localOf(at, timeZone);
  return l.hour * 60 + l.minute;
}

export function isoDay(date: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}
