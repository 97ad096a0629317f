import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import type { JourneyDefinition } from '../../../../../shared/domain/journeys/definition.js';
import { playbook } from '../../../../../shared/domain/journeys/playbooks.js';
import { isHeldOut, isInGlobalControl } from '../../../../../shared/domain/sending/holdout.js';
import {
  type HolidayPageDeps,
  type HolidayTickDeps,
  holidayCalendarOf,
  runHolidayPage,
  setHolidayCalendar,
  startHolidayRuns,
} from '../../../../../shared/use-cases/journeys/holidays.js';
import {
  createJourney,
  setJourneyEnabled,
} from '../../../../../shared/use-cases/journeys/journey-definitions.js';
import {
  FakeCustomerDirectory,
  FakeHolidayQueue,
  FakeHolidayRunStore,
} from '../../../../support/fakes/holidays.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';
import { ev, journeysWorld, reachable } from '../../../../support/journeys-world.js';

const hour = 3_600_000;

/**
 * Holiday care as a step table: the tea shop (Asia/Shanghai, UTC+8) with customers, the hourly tick
 * run at each hour, the pages it queues delivered by hand (again, when a test says so), and the
 * send requests out as `<UTC minute> <template> <key>`. Double 11 at 10:00 in Shanghai is 02:00 UTC.
 */
async function holidayWorld(options: { pageSize?: number } = {}) {
  const w = journeysWorld();
  const shops = new FakeShopStore();
  await shops.putShop(w.settings);
  const runs = new FakeHolidayRunStore();
  const queue = new FakeHolidayQueue();
  const directory = new FakeCustomerDirectory(w.table);
  let enabledReads = 0;
  const failures: unknown[] = [];
  const tick: HolidayTickDeps = {
    shops,
    enabled: (shopId: string): Promise<JourneyDefinition[]> => {
      enabledReads += 1;
      return w.deps.enabled(shopId);
    },
    runs,
    queue,
    directory,
    onFailure: (_shopId, error) => failures.push(error),
  };
  const page: HolidayPageDeps = {
    ...w.deps,
    shopSettings: async (shopId) => (await shops.getShop(shopId)) ?? w.settings,
    directory,
    queue,
    ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
  };
  /** Every task queued until none is left; `times` delivers each that many times (SQS redelivering). */
  const deliver = async (times = 1) => {
    for (let tasks = queue.take(); tasks.length > 0; tasks = queue.take())
      for (const task of tasks) for (let i = 0; i < times; i++) await runHolidayPage(page, task);
  };
  return {
    w,
    shops,
    runs,
    queue,
    directory,
    tick,
    deliver,
    failures,
    enabledReads: () => enabledReads,
    /** The hourly tick at each hour from `from` to `to` (UTC), its pages delivered, the sends settled. */
    hourly: async (from: string, to: string, times = 1) => {
      for (let t = Date.parse(from); t <= Date.parse(to); t += hour) {
        w.clock.set(new Date(t).toISOString());
        await startHolidayRuns(tick, new Date(t));
        await deliver(times);
        await w.tick();
      }
    },
  };
}

/** Customers no holdout of holiday care takes, with email and marketing consent. */
async function greetable(w: ReturnType<typeof journeysWorld>, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => reachable('holiday-care', `h${i}`));
  for (const id of ids) await w.person(id);
  return ids;
}

describe('holiday care', () => {
  it('greets every customer at 10:00 Shanghai time on Double 11, once, and withholds where consent is missing', async () => {
    const h = await holidayWorld();
    await h.w.enable('holiday-care');
    const ids = await greetable(h.w, 5);
    await h.w.person('no-consent', { consent: { email: { marketing: false } } });
    await h.w.tick();
    h.w.takeLines();

    await h.hourly('2026-11-10T00:00:00.000Z', '2026-11-12T23:00:00.000Z');
    const lines = h.w.takeLines();
    expect(lines.filter((l) => !l.includes('withheld')).sort()).toEqual(
      ids.map(() => '2026-11-11T02:00 holiday-care double-11'),
    );
    expect(lines.filter((l) => l.includes('withheld'))).toEqual([
      '2026-11-11T02:00 holiday-care double-11 (withheld: unsubscribed)',
    ]);
    const greeted = h.w.delivered.filter((r) => !r.withheld).map((r) => r.intent.customerId);
    expect(greeted.sort()).toEqual([...ids].sort());
    // One fan-out: a task per shard, marked so no later tick starts it again.
    expect([...h.runs.marks.keys()]).toEqual(['tea/holiday#double-11#2026-11-11']);
  });

  it('sends nothing twice when the tick repeats and every page is delivered twice', async () => {
    const h = await holidayWorld({ pageSize: 1 });
    await h.w.enable('holiday-care');
    const ids = await greetable(h.w, 12);
    await h.w.tick();
    h.w.takeLines();

    h.w.clock.set('2026-11-11T02:00:00.000Z');
    // The same tick twice before either marks the holiday (EventBridge delivers at least once).
    h.runs.faults.failNext('markStarted');
    await startHolidayRuns(h.tick, h.w.clock.now());
    expect(h.failures).toHaveLength(1);
    expect(await startHolidayRuns(h.tick, h.w.clock.now())).toHaveLength(1);
    expect(await startHolidayRuns(h.tick, h.w.clock.now())).toEqual([]);
    // Pages of one customer each: every shard goes on page by page, every page delivered twice.
    await h.deliver(2);
    // Shards of more than one customer went on from a cursor (each first page read twice, 32 reads).
    expect(h.directory.reads.length).toBeGreaterThan(32);
    await h.w.tick();
    await h.hourly('2026-11-11T03:00:00.000Z', '2026-11-11T12:00:00.000Z', 2);
    const greeted = h.w.delivered.filter((r) => !r.withheld).map((r) => r.intent.customerId);
    expect(greeted.sort()).toEqual([...ids].sort());
    expect(new Set(h.w.delivered.map((r) => r.sendId)).size).toBe(h.w.delivered.length);
  });

  it('still greets the same day when the holiday tick failed, from the next tick', async () => {
    const h = await holidayWorld();
    await h.w.enable('holiday-care');
    const [id] = await greetable(h.w, 1);
    await h.w.tick();
    h.w.takeLines();
    h.shops.listShops = async () => {
      throw new Error('throttled');
    };
    await expect(startHolidayRuns(h.tick, new Date('2026-11-11T02:00:00.000Z'))).rejects.toThrow('throttled');
    h.shops.listShops = FakeShopStore.prototype.listShops.bind(h.shops);
    await h.hourly('2026-11-11T03:00:00.000Z', '2026-11-11T05:00:00.000Z');
    expect(h.w.takeLines()).toEqual(['2026-11-11T03:00 holiday-care double-11']);
    expect(h.w.delivered.map((r) => r.intent.customerId)).toEqual([id]);
  });

  it('costs a shop without holiday care one read of its enabled journeys a tick, and nothing else', async () => {
    const h = await holidayWorld();
    await greetable(h.w, 3);
    await h.w.tick();
    h.w.takeLines();
    await h.hourly('2026-11-11T00:00:00.000Z', '2026-11-11T23:00:00.000Z');
    expect(h.enabledReads()).toBe(24);
    expect(h.runs.reads).toBe(0);
    expect(h.directory.reads).toEqual([]);
    expect(h.w.takeLines()).toEqual([]);
  });

  it('stops a fan-out whose shop turned holiday care off meanwhile', async () => {
    const h = await holidayWorld();
    await h.w.enable('holiday-care');
    await greetable(h.w, 3);
    await startHolidayRuns(h.tick, new Date('2026-11-11T02:00:00.000Z'));
    await setJourneyEnabled(
      { journeys: h.w.journeys, clock: h.w.clock.now },
      h.w.settings,
      'holiday-care',
      false,
    );
    h.w.clock.set('2026-11-11T02:01:00.000Z');
    await h.deliver();
    expect(h.directory.reads).toEqual([]);
    expect(h.w.queue.peek()).toEqual([]);
  });

  it('goes by the calendar the shop set: its own days, and none of the defaults it left out', async () => {
    const h = await holidayWorld();
    await h.w.enable('holiday-care');
    const [id] = await greetable(h.w, 1);
    await h.w.tick();
    h.w.takeLines();
    expect(holidayCalendarOf(h.w.settings)).toMatchObject({ custom: false });
    const view = await setHolidayCalendar(h.shops, h.w.settings, {
      holidays: [{ id: 'tea-day', name: 'Tea day', on: { type: 'fixed', day: '11-20' } }],
    });
    expect(view).toEqual({
      holidays: [{ id: 'tea-day', name: 'Tea day', on: { type: 'fixed', day: '11-20' } }],
      custom: true,
    });
    await h.hourly('2026-11-11T00:00:00.000Z', '2026-11-20T23:00:00.000Z');
    expect(h.w.takeLines()).toEqual(['2026-11-20T02:00 holiday-care tea-day']);
    expect(h.w.delivered.map((r) => r.intent.customerId)).toEqual([id]);
  });

  it('refuses a calendar with a bad holiday, naming the field, and keeps the one stored', async () => {
    const h = await holidayWorld();
    const bad = {
      holidays: [
        { id: 'tea-day', name: 'Tea day', on: { type: 'fixed', day: '11-20' } },
        { id: 'tea-day', name: 'Again', on: { type: 'fixed', day: '13-01' } },
      ],
    };
    const error = await setHolidayCalendar(h.shops, h.w.settings, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'holidays.1.id',
      'holidays.1.on.day',
    ]);
    const dup = { holidays: [bad.holidays[0], { ...bad.holidays[0], name: 'Again' }] };
    const second = (await setHolidayCalendar(h.shops, h.w.settings, dup).catch(
      (e: unknown) => e,
    )) as ValidationError;
    expect(second.issues).toEqual([{ path: 'holidays.1.id', message: 'duplicate holiday tea-day' }]);
    expect((await h.shops.getShop(h.w.settings.shopId))?.holidays).toBeUndefined();
  });
});

describe('a birthday set through PUT /v1/customers', () => {
  it('is scheduled with no other event, at 09:00 on the customer’s clock', async () => {
    const w = journeysWorld();
    await w.enableWithCustomer('birthday', { birthday: '--11-05', timeZone: 'Europe/London' });
    // The change announced the birthday (traits_changed); the stream feeds it to journeys.
    await w.tick();
    await w.runUntil('2026-11-06T00:00:00.000Z');
    // 09:00 in London on 5 November (GMT) is 09:00 UTC, 17:00 on the shop's clock: no quiet hours.
    expect(w.takeLines()).toEqual(['2026-11-05T09:00 birthday 2026-11-05 [coupon]']);
  });

  it('moves when the birthday changes, and the old day sends nothing', async () => {
    const w = journeysWorld();
    const id = await w.enableWithCustomer('birthday', { birthday: '--11-05' });
    await w.tick();
    await w.person(id, { birthday: '--11-07' });
    await w.tick();
    await w.runUntil('2026-11-08T00:00:00.000Z');
    // 09:00 in Shanghai (the shop's clock: no zone given) is 01:00 UTC.
    expect(w.takeLines()).toEqual(['2026-11-07T01:00 birthday 2026-11-07 [coupon]']);
  });
});

describe('a first-order anniversary', () => {
  it('is scheduled by the order itself, and greeted a year on at its time on the shop’s clock', async () => {
    const w = journeysWorld();
    const crud = { journeys: w.journeys, clock: w.clock.now };
    const { id: _id, version: _version, ...birthday } = playbook('birthday');
    await createJourney(crud, w.settings, {
      ...birthday,
      id: 'anniversary',
      name: 'First order anniversary',
      trigger: { type: 'date', date: 'firstOrderAnniversary', at: '10:00', zone: 'shop' },
    });
    await setJourneyEnabled(crud, w.settings, 'anniversary', true);
    const id = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5'].find(
      (c) =>
        !isInGlobalControl('tea', c) &&
        !isHeldOut('tea', c, { journeyId: 'anniversary', stepId: 'greeting' }),
    ) as string;
    await w.person(id);
    await w.post([
      {
        ...ev.placed('o1', 'SO-1', { customerId: id, paidAt: '2026-11-02T08:00:00.000Z' }),
        occurredAt: '2026-11-02T08:00:00.000Z',
      },
    ]);
    w.takeLines();
    await w.runUntil('2027-11-03T00:00:00.000Z');
    // The order was placed on 2 November on the shop's clock; 10:00 there is 02:00 UTC.
    expect(w.takeLines()).toEqual(['2027-11-02T02:00 birthday 2027-11-02 [coupon]']);
  });
});
