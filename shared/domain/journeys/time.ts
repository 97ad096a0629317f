/**
 * Wall-clock arithmetic in an IANA time zone. Offsets always come from Intl (the tz database the
 * runtime ships), never from a table of our own, so DST rules follow the zone as it is.
 */

export interface LocalDateTime {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;
export const dayMs = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows the zone (used by schema checks). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at an instant (seconds dropped). */
export function localOf(at: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const p of formatOf(timeZone).formatToParts(at))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
  };
}

function wallMs(l: LocalDateTime): number {
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute);
}

/** How far the zone's wall clock is ahead of UTC at an instant. */
function offsetAt(ms: number, timeZone: string): number {
  const floor = Math.floor(ms / minuteMs) * minuteMs;
  return wallMs(localOf(new Date(floor), timeZone)) - floor;
}

/**
 * The instant a wall-clock time names in a zone. A time the clocks skip (02:30 on a spring-forward
 * night) is moved forward by the gap (03:30); a time that happens twice (01:30 on a fall-back night)
 * is its first occurrence. Zones change offset at most once in two days, which the two probes rely on.
 */
export function instantOf(local: LocalDateTime, timeZone: string): Date {
  const wall = wallMs(local);
  const before = offsetAt(wall - dayMs, timeZone);
  const after = offsetAt(wall + dayMs, timeZone);
  const valid = [wall - before, wall - after].filter((t) => wallMs(localOf(new Date(t), timeZone)) === wall);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(wall - before);
}

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
