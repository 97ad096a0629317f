/**
 * Wall-clock time in an IANA time zone, shared by every context that reads a shop's or a customer's
 * clock. Offsets always come from Intl (the tz database the runtime ships), never from a table of
 * our own, so DST rules follow the zone as it is.
 */

const minuteMs = 60_000;
const dayMs = 86_400_000;

export interface LocalDateTime {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

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
