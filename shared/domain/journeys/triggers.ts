import type { Traits } from '../customers/profile.js';
import type { Holiday, HolidayCalendar } from './calendar.js';
import { holidayDate } from './calendar.js';
import type { EventMatch, JourneyDefinition, PropertyFilter, Trigger } from './definition.js';
import { instantOf, isoDay, localOf, parseTimeOfDay } from './time.js';

/**
 * What starts a journey and what an instance listens for. Every trigger is an event: a shop's
 * event as stored, or one huitou makes when a customer enters a segment, a date trait comes round or
 * a holiday of the shop's calendar arrives, so start() and the matching below have one shape to read.
 */

export interface JourneyEvent {
  id: string;
  type: string;
  occurredAt: string;
  properties: Readonly<Record<string, unknown>>;
}

/** The value at a dotted path (`items.0.sku`) of an event's properties. */
export function valueAt(properties: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = properties;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function matchesFilter(properties: Readonly<Record<string, unknown>>, f: PropertyFilter): boolean {
  const v = valueAt(properties, f.property);
  switch (f.op) {
    case 'exists':
      return v !== undefined && v !== null;
    case 'missing':
      return v === undefined || v === null;
    case 'eq':
      return v === f.value;
    case 'ne':
      return v !== f.value;
    case 'in':
      return Array.isArray(f.value) && (f.value as unknown[]).includes(v);
    default: {
      if (typeof v !== 'number' || typeof f.value !== 'number') return false;
      const b = f.value;
      return f.op === 'gt' ? v > b : f.op === 'gte' ? v >= b : f.op === 'lt' ? v < b : v <= b;
    }
  }
}

/** The instance key an event carries (its orderId for a journey keyed by orders), or null. */
export function keyOf(def: Pick<JourneyDefinition, 'instanceKey'>, event: JourneyEvent): string | null {
  if (!def.instanceKey) return null;
  const v = valueAt(event.properties, def.instanceKey);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

/** Whether an event is the one a match waits for, relative to an instance's key. */
export function eventMatches(
  m: Pick<EventMatch, 'event' | 'where' | 'key'>,
  event: JourneyEvent,
  def: Pick<JourneyDefinition, 'instanceKey'>,
  instanceKey: string | null,
): boolean {
  if (event.type !== m.event || !m.where.every((f) => matchesFilter(event.properties, f))) return false;
  if (m.key === 'any') return true;
  const k = keyOf(def, event);
  return m.key === 'same' ? k !== null && k === instanceKey : k !== null && k !== instanceKey;
}

export function triggerMatches(trigger: Trigger, event: JourneyEvent): boolean {
  const p = event.properties;
  switch (trigger.type) {
    case 'event':
      return event.type === trigger.event && trigger.where.every((f) => matchesFilter(p, f));
    case 'segment':
      return (
        event.type === `segment_${trigger.on}` &&
        typeof p.segment === 'string' &&
        trigger.segments.includes(p.segment)
      );
    case 'date':
      return event.type === 'date_reached' && p.date === trigger.date;
    case 'holiday':
      return (
        event.type === 'holiday' &&
        typeof p.holiday === 'string' &&
        (!trigger.holidays || trigger.holidays.includes(p.holiday))
      );
  }
}

/** The event that starts segment journeys when the refresh or the stream moves a customer. */
export function segmentEvent(
  segment: string,
  change: 'entered' | 'left',
  customerId: string,
  at: Date,
): JourneyEvent {
  const occurredAt = at.toISOString();
  return {
    id: `segment_${change}#${segment}#${customerId}#${occurredAt}`,
    type: `segment_${change}`,
    occurredAt,
    properties: { segment },
  };
}

export interface DueTrigger {
  at: Date;
  event: JourneyEvent;
}

function monthDayOf(date: { month: number; day: number }, year: number): { month: number; day: number } {
  // A 29 February date comes round on the 28th in other years.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return date.month === 2 && date.day === 29 && !leap ? { month: 2, day: 28 } : date;
}

/**
 * When a date trigger (birthday, first-order anniversary) next fires at or after `after`, at its
 * time of day on the customer's clock (the zone given, else the customer's `timeZone` trait; the
 * shop's when the customer's zone is unknown, or when the trigger says so). Null when the customer has no such date.
 */
export function nextDateTrigger(
  trigger: Extract<Trigger, { type: 'date' }>,
  customer: {
    customerId: string;
    traits: Pick<Traits, 'birthday' | 'timeZone'>;
    firstOrderAt: string | null;
    timeZone?: string | null;
    shopTimeZone: string;
  },
  after: Date,
): DueTrigger | null {
  const zone =
    trigger.zone === 'customer'
      ? (customer.timeZone ?? customer.traits.timeZone ?? customer.shopTimeZone)
      : customer.shopTimeZone;
  let date: { month: number; day: number };
  let fromYear = localOf(after, zone).year;
  if (trigger.date === 'birthday') {
    const m = customer.traits.birthday?.match(/^(?:\d{4}|-)-(\d{2})-(\d{2})$/);
    if (!m) return null;
    date = { month: Number(m[1]), day: Number(m[2]) };
  } else {
    if (!customer.firstOrderAt) return null;
    // The order's day on the shop's clock, where the order was placed.
    const first = localOf(new Date(customer.firstOrderAt), customer.shopTimeZone);
    // Its month and day only: the year (and the hour) are the occurrence's.
    date = { month: first.month, day: first.day };
    fromYear = Math.max(fromYear, first.year + 1);
  }
  const time = parseTimeOfDay(trigger.at);
  for (let year = fromYear; year <= fromYear + 1; year++) {
    const on = { year, ...monthDayOf(date, year) };
    const at = instantOf({ ...on, ...time }, zone);
    if (at.getTime() >= after.getTime()) {
      const day = isoDay(on);
      return {
        at,
        event: {
          id: `date_reached#${trigger.date}#${customer.customerId}#${day}`,
          type: 'date_reached',
          occurredAt: at.toISOString(),
          properties: { date: trigger.date, on: day },
        },
      };
    }
  }
  return null;
}

/** A holiday's occurrence in a year, at a time of day on the shop's clock; null when it has none that year. */
function holidayOccurrence(
  holiday: Holiday,
  year: number,
  time: { hour: number; minute: number },
  shopTimeZone: string,
): DueTrigger | null {
  const day = holidayDate(holiday, year);
  if (!day) return null;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const at = instantOf({ year: y, month: m, day: d, ...time }, shopTimeZone);
  return {
    at,
    event: {
      // One event per holiday and day: every delivery of it is the same input to a journey.
      id: `holiday#${holiday.id}#${day}`,
      type: 'holiday',
      occurredAt: at.toISOString(),
      properties: { holiday: holiday.id, name: holiday.name, on: day },
    },
  };
}

/** The holidays of the calendar the trigger names (all of them when it names none). */
function holidaysOf(trigger: Extract<Trigger, { type: 'holiday' }>, calendar: HolidayCalendar): Holiday[] {
  return calendar.filter((h) => !trigger.holidays || trigger.holidays.includes(h.id));
}

/** The next holiday of the trigger in the shop's calendar at or after `after`, at its time on the shop's clock. */
export function nextHolidayTrigger(
  trigger: Extract<Trigger, { type: 'holiday' }>,
  calendar: HolidayCalendar,
  shopTimeZone: string,
  after: Date,
): DueTrigger | null {
  const time = parseTimeOfDay(trigger.at);
  const fromYear = localOf(after, shopTimeZone).year;
  let best: DueTrigger | null = null;
  for (const holiday of holidaysOf(trigger, calendar)) {
    for (let year = fromYear; year <= fromYear + 1; year++) {
      const next = holidayOccurrence(holiday, year, time, shopTimeZone);
      if (!next || next.at.getTime() < after.getTime()) continue;
      if (!best || next.at.getTime() < best.at.getTime()) best = next;
      break;
    }
  }
  return best;
}

/**
 * The holidays of the trigger whose time came in (`after`, `through`], oldest first: what a tick at
 * `through` starts when it looks back to `after`. Two holidays on one day are both there.
 */
export function holidayTriggersBetween(
  trigger: Extract<Trigger, { type: 'holiday' }>,
  calendar: HolidayCalendar,
  shopTimeZone: string,
  after: Date,
  through: Date,
): DueTrigger[] {
  const time = parseTimeOfDay(trigger.at);
  const [from, to] = [localOf(after, shopTimeZone).year, localOf(through, shopTimeZone).year];
  const out: DueTrigger[] = [];
  for (const holiday of holidaysOf(trigger, calendar))
    for (let year = from; year <= to; year++) {
      const t = holidayOccurrence(holiday, year, time, shopTimeZone);
      if (t && t.at.getTime() > after.getTime() && t.at.getTime() <= through.getTime()) out.push(t);
    }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.event.id < b.event.id ? -1 : 1));
}
