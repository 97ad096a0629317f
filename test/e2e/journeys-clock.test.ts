import { beforeAll, describe, expect, it } from 'vitest';
import { advance, call, newShop, type Shop, settle } from '../support/api.js';
import { queuedSendRequests } from '../support/send-queue.js';

/**
 * The local clock over a month: the minute schedules report when they next have work, so an idle
 * month is a few hundred firings (the hourly refresh, and the minutes something is due) instead of
 * 43,200, and what is due still goes at its minute. The reminder is read from the local send
 * queue's journal.
 */
let shop: Shop;

const minute = 60_000;
const day = 86_400_000;
const ceilMinute = (ms: number) => Math.ceil(ms / minute) * minute;
const floorMinute = (ms: number) => Math.floor(ms / minute) * minute;
const clockNow = async () => Date.parse((await call(null, 'GET', '/v1/health')).body.time as string);

beforeAll(async () => {
  shop = await newShop();
});

describe('the local clock on an idle shop', () => {
  it('advances 30 days without firing every idle minute, and a reminder due at day 20 goes at its minute', async () => {
    // The unpaid order reminder, edited to wait 20 days; the last call comes 69.5 hours after it.
    const playbook = (await call(shop, 'GET', '/v1/journeys/unpaid-order-reminder')).body.definition;
    const edited = await call(shop, 'PUT', '/v1/journeys/unpaid-order-reminder', {
      ...playbook,
      steps: playbook.steps.map((s: { id: string }) =>
        s.id === 'first-wait' ? { ...s, duration: { days: 20 } } : s,
      ),
    });
    expect(edited.body).toMatchObject({ edited: true });
    await call(shop, 'PUT', '/v1/customers/c-1', { name: 'Li', phone: '13800138001' });
    const before = await clockNow();
    const posted = await call(shop, 'POST', '/v1/events', {
      events: [
        {
          id: 'o1',
          type: 'order_placed',
          occurredAt: new Date(before).toISOString(),
          customerId: 'c-1',
          properties: {
            orderId: 'SO-1',
            total: 79,
            currency: 'CNY',
            items: [{ sku: 'longjing-250', category: 'green-tea', price: 79, quantity: 1 }],
          },
        },
      ],
    });
    expect(posted.status).toBe(202);
    await settle();

    const { fired } = await advance('30d');
    // Every minute would be 2 × 43,200 firings; idle minutes are skipped (the hourly refresh keeps its 720).
    expect(fired).toBeLessThan(43_200 / 10);

    const sent = queuedSendRequests(shop.shopId).filter((r) => r.intent.customerId === 'c-1');
    expect(sent.map((r) => r.templateId)).toEqual(['unpaid-reminder', 'unpaid-last-call']);
    // Requested once the 20 days ran out and not before: the jump stopped at its minute rather than
    // passing it (the local clock runs on in real time while a tick works, so on a loaded machine
    // the request may carry a later minute than the one it fell due in; no bound on that).
    const [sentAt, lastCallAt] = sent.map((r) => Date.parse(r.requestedAt)) as [number, number];
    expect(floorMinute(sentAt)).toBeGreaterThanOrEqual(ceilMinute(before + 20 * day));
    expect(sentAt).toBeLessThan(before + 21 * day);
    // The last call waits 69.5 hours from when the reminder fell due (a late tick's minutes do not add up).
    expect(floorMinute(lastCallAt)).toBeGreaterThanOrEqual(
      ceilMinute(before + 20 * day + 69.5 * 60 * minute),
    );
    expect(lastCallAt).toBeLessThan(sentAt + 70.5 * 60 * minute);
  });
});
