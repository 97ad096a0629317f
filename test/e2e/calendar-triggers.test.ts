import { beforeAll, describe, expect, it } from 'vitest';
import { isHeldOut, isInGlobalControl } from '../../shared/domain/sending/holdout.js';
import { instantOf, localOf } from '../../shared/domain/time-zones.js';
import { advance, call, newShop, type Shop, settle } from '../support/api.js';
import { queuedSendRequests } from '../support/send-queue.js';

/**
 * The calendar triggers on the local stack and its clock: holiday care fanned out by the hourly
 * tick to every customer of the shop, and a birthday scheduled by PUT /v1/customers alone. The sends
 * are read from the local send queue's journal.
 */
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const clockNow = async () => Date.parse((await call(null, 'GET', '/v1/health')).body.time as string);
const isoDay = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
/** Moves the local clock to `at` (or just past it), firing every tick on the way. */
const advanceTo = async (at: number) =>
  advance(`${Math.max(1, Math.ceil((at - (await clockNow())) / minute))}m`);

/** Customer ids the step's holdout and the global control group leave alone. */
function reachable(shop: Shop, journeyId: string, stepId: string, prefix: string, n: number): string[] {
  const ids: string[] = [];
  for (let i = 1; ids.length < n; i++) {
    const id = `${prefix}-${i}`;
    if (!isInGlobalControl(shop.shopId, id) && !isHeldOut(shop.shopId, id, { journeyId, stepId }))
      ids.push(id);
  }
  return ids;
}

const consenting = (id: string, extra: Record<string, unknown> = {}) => ({
  email: `${id}@example.com`,
  consent: { email: { marketing: true } },
  ...extra,
});

let shop: Shop;

beforeAll(async () => {
  shop = await newShop({ timeZone: 'Asia/Shanghai' });
});

describe('holiday care on the local clock', () => {
  it('greets each consenting customer once, at 10:00 Shanghai time on the shop’s holiday', async () => {
    // The shop's own holiday, two days on: the default calendar's next Double 11 may be a year away.
    const holiday = localOf(new Date((await clockNow()) + 2 * day), 'Asia/Shanghai');
    const on = isoDay(holiday);
    const refused = await call(shop, 'PUT', '/v1/holidays', {
      holidays: [{ id: 'Tea Festival', name: 'Tea festival', on: { type: 'dates', dates: [on] } }],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('holidays.0.id');
    const set = await call(shop, 'PUT', '/v1/holidays', {
      holidays: [{ id: 'tea-festival', name: 'Tea festival', on: { type: 'dates', dates: [on] } }],
    });
    expect(set.status).toBe(200);
    expect((await call(shop, 'GET', '/v1/holidays')).body).toMatchObject({
      custom: true,
      holidays: [{ id: 'tea-festival' }],
    });
    expect((await call(shop, 'POST', '/v1/journeys/holiday-care/enable')).status).toBe(200);

    const greeted = reachable(shop, 'holiday-care', 'greeting', 'h', 3);
    for (const id of greeted)
      expect((await call(shop, 'PUT', `/v1/customers/${id}`, consenting(id))).status).toBe(200);
    await call(shop, 'PUT', '/v1/customers/no-consent', { email: 'no-consent@example.com' });
    await settle();

    const at = instantOf({ ...holiday, hour: 10, minute: 0 }, 'Asia/Shanghai').getTime();
    await advanceTo(at + hour);
    const holidaySends = () =>
      queuedSendRequests(shop.shopId, 'journey').filter((r) => r.templateId === 'holiday-care');
    const sent = holidaySends().filter((r) => !r.withheld);
    expect(sent.map((r) => r.intent.customerId).sort()).toEqual([...greeted].sort());
    for (const r of sent) {
      expect(r.data).toMatchObject({ key: 'tea-festival' });
      // At the tick of 10:00, not before, and not at the next hour's.
      expect(Date.parse(r.requestedAt)).toBeGreaterThanOrEqual(at);
      expect(Date.parse(r.requestedAt)).toBeLessThan(at + hour);
    }
    expect(holidaySends().filter((r) => r.intent.customerId === 'no-consent' && !r.withheld)).toEqual([]);

    // Later ticks look back over the holiday and leave it: nothing goes twice.
    await advance('1d');
    expect(holidaySends().filter((r) => !r.withheld)).toHaveLength(greeted.length);
    expect(new Set(holidaySends().map((r) => r.sendId)).size).toBe(holidaySends().length);
  });
});

describe('a birthday set by PUT /v1/customers', () => {
  it('is greeted at 09:00 on the customer’s clock, with no other event for them', async () => {
    expect((await call(shop, 'POST', '/v1/journeys/birthday/enable')).status).toBe(200);
    const [id] = reachable(shop, 'birthday', 'greeting', 'b', 1) as [string];
    // London: 09:00 there is 16:00 or 17:00 in Shanghai, clear of the shop's quiet hours.
    const zone = 'Europe/London';
    const tomorrow = localOf(new Date((await clockNow()) + day), zone);
    const birthday = `--${isoDay(tomorrow).slice(5)}`;
    const put = await call(shop, 'PUT', `/v1/customers/${id}`, consenting(id, { birthday, timeZone: zone }));
    expect(put.status).toBe(200);
    expect(put.body.traits).toMatchObject({ birthday, timeZone: zone });
    await settle();

    const at = instantOf({ ...tomorrow, hour: 9, minute: 0 }, zone).getTime();
    await advanceTo(at + hour);
    const sent = queuedSendRequests(shop.shopId, 'journey').filter(
      (r) => r.templateId === 'birthday' && r.intent.customerId === id,
    );
    expect(sent).toHaveLength(1);
    const requested = Date.parse((sent[0] as { requestedAt: string }).requestedAt);
    expect(requested).toBeGreaterThanOrEqual(at);
    expect(requested).toBeLessThan(at + hour);
    expect(localOf(new Date(requested), zone).hour).toBe(9);

    const bad = await call(shop, 'PUT', `/v1/customers/${id}`, { timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('timeZone');
  });
});
