import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { calendarOf, type HolidayCalendar, holidayCalendarSchema } from '../../domain/journeys/calendar.js';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import { holidayTriggersBetween, type JourneyEvent } from '../../domain/journeys/triggers.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { issuesOf } from '../../domain/validation.js';
import type { CustomerDirectory } from '../../ports/customers/customer-directory.js';
import type { HolidayQueue, HolidayRunStore, HolidayTask } from '../../ports/journeys/holiday-runs.js';
import type { ShopStore } from '../../ports/shops/shop-store.js';
import { eventTypesOf, type FeedDeps, feedJourneyEvents } from './feed-events.js';

/**
 * Holiday care: when a holiday of a shop's calendar comes (10:00 on the shop's clock in the
 * playbook), every customer of the shop is fed the holiday event through the journey runtime, which
 * applies consent, caps, quiet hours and holdouts as it does for any event.
 *
 * The hourly tick (the segment refresh's schedule) starts it, not a minute tick: holidays are days
 * and the playbook's time is on the hour, which an hourly tick meets exactly in every whole-hour zone;
 * a time between hours (a :30 zone, a journey at 10:15) goes at the next hour, late, never early.
 * The hourly tick already lists the shops to find their 02:00; a minute tick would read every
 * shop's journeys 1,440 times a day where 24 do, and the due-steps and campaign ticks are built to
 * cost one small read an idle minute.
 *
 * The fan-out: one task per customer shard (the byValue shards the refresh reads), each a page of
 * ids that queues the shard's next page before it runs, on the campaign queue (its worker runs the
 * pages of a whole-shop send already). Every delivery of a page, a repeated tick, a page delivered
 * twice, feeds the same event (`holiday#<id>#<day>`), which a customer's journey takes once: the
 * instance is keyed by the holiday and its send id follows from it.
 */

/**
 * How far back a tick looks for a holiday whose time came: a tick that failed, or a shop that
 * enabled holiday care at 10:30, is still greeted the same day (the send expires after 10 hours).
 */
export const holidayLookBackMs = 6 * 3_600_000;
/** Customers a holiday task feeds at once. */
export const holidayPageSize = 200;

export interface HolidayTickDeps {
  shops: Pick<ShopStore, 'listShops'>;
  /** The shop's enabled journeys, latest versions. */
  enabled: (shopId: string) => Promise<JourneyDefinition[]>;
  runs: HolidayRunStore;
  queue: HolidayQueue;
  directory: Pick<CustomerDirectory, 'shards'>;
  onFailure?: (shopId: string, error: unknown) => void;
}

export interface HolidayRun {
  shopId: string;
  eventId: string;
  /** Tasks queued: one per shard. */
  tasks: number;
}

const isHoliday = (event: JourneyEvent) => event.type === 'holiday';

/** The holiday events of the shop's enabled holiday journeys whose time came in (`after`, `through`]. */
function holidaysDue(shop: ShopSettings, enabled: readonly JourneyDefinition[], after: Date, through: Date) {
  const due = new Map<string, JourneyEvent>();
  for (const def of enabled) {
    if (def.trigger.type !== 'holiday') continue;
    // One fan-out per holiday and day: every enabled holiday journey starts from the same event.
    for (const { event } of holidayTriggersBetween(
      def.trigger,
      calendarOf(shop),
      shop.timeZone,
      after,
      through,
    ))
      if (!due.has(event.id)) due.set(event.id, event);
  }
  return [...due.values()];
}

/**
 * Primary course: for each shop, its enabled journeys (all a shop without holiday care costs);
 * for each holiday whose time came within the look-back and that no tick fanned out yet, a task per
 * shard is queued, then the holiday is marked. A crash between the two queues it again at the next
 * tick: the pages then feed the same event again, which sends nothing twice.
 */
export async function startHolidayRuns(deps: HolidayTickDeps, at: Date): Promise<HolidayRun[]> {
  const after = new Date(at.getTime() - holidayLookBackMs);
  const started: HolidayRun[] = [];
  for (const shop of await deps.shops.listShops()) {
    try {
      for (const event of holidaysDue(shop, await deps.enabled(shop.shopId), after, at)) {
        if (await deps.runs.started(shop.shopId, event.id)) continue;
        const tasks = Array.from(
          { length: deps.directory.shards },
          (_, shard): HolidayTask => ({ kind: 'holiday', shopId: shop.shopId, event, shard, page: 0 }),
        );
        await deps.queue.enqueue(tasks);
        await deps.runs.markStarted(shop.shopId, event.id, at);
        started.push({ shopId: shop.shopId, eventId: event.id, tasks: tasks.length });
      }
    } catch (error) {
      // One shop's failure holds back no other; its holiday is still unmarked for the next tick.
      deps.onFailure?.(shop.shopId, error);
    }
  }
  return started;
}

export interface HolidayPageDeps extends FeedDeps {
  directory: CustomerDirectory;
  queue: HolidayQueue;
  /** Customers a page feeds; holidayPageSize when left out. */
  pageSize?: number;
}

export interface HolidayPageReport {
  task: Omit<HolidayTask, 'event' | 'cursor'> & { eventId: string };
  outcome: 'done' | 'skipped';
  customers?: number;
  /** Send requests queued (sent or withheld). */
  queued?: number;
}

/**
 * One page of a holiday's fan-out: the shard's next page is queued first, so the shard moves on
 * while this page runs and a page that keeps failing holds back no other; then each customer is fed
 * the event. A customer whose journeys failed fails the page, which comes back; those it greeted
 * already are left as they are. A shop that turned holiday care off meanwhile ends its fan-out here.
 */
export async function runHolidayPage(deps: HolidayPageDeps, task: HolidayTask): Promise<HolidayPageReport> {
  const described = {
    kind: task.kind,
    shopId: task.shopId,
    eventId: task.event.id,
    shard: task.shard,
    page: task.page,
  };
  const enabled = await deps.enabled(task.shopId);
  if (!isHoliday(task.event) || !enabled.some((d) => eventTypesOf(d).includes('holiday')))
    return { task: described, outcome: 'skipped' };
  const page = await deps.directory.customerIds(task.shopId, task.shard, {
    limit: deps.pageSize ?? holidayPageSize,
    cursor: task.cursor,
  });
  if (page.cursor) await deps.queue.enqueue([{ ...task, cursor: page.cursor, page: task.page + 1 }]);
  const { failed, queued } = await feedJourneyEvents(
    deps,
    task.shopId,
    page.customerIds.map((customerId) => ({ customerId, event: task.event })),
  );
  if (failed.size > 0)
    throw new Error(
      `holiday ${task.event.id} of shop ${task.shopId}: journeys failed on shard ${task.shard}`,
    );
  return { task: described, outcome: 'done', customers: page.customerIds.length, queued };
}

export interface HolidayCalendarView {
  holidays: HolidayCalendar;
  /** False while the shop goes by the default calendar. */
  custom: boolean;
}

export function holidayCalendarOf(shop: ShopSettings): HolidayCalendarView {
  return { holidays: calendarOf(shop), custom: shop.holidays !== undefined };
}

const calendarBodySchema = z.strictObject({ holidays: holidayCalendarSchema });

/** PUT: the shop's own calendar, whole; the next tick goes by it. */
export async function setHolidayCalendar(
  shops: Pick<ShopStore, 'updateSettings'>,
  shop: ShopSettings,
  body: unknown,
): Promise<HolidayCalendarView> {
  const parsed = calendarBodySchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  // Only this field: another setting edited meanwhile (the contact policy, …) is kept.
  const updated = await shops.updateSettings(shop.shopId, { holidays: parsed.data.holidays });
  return holidayCalendarOf(updated ?? { ...shop, holidays: parsed.data.holidays });
}
