import { DryRunRateCounter } from '../../shared/adapters/memory/dry-run-stores.js';
import { playbooks } from '../../shared/domain/journeys/playbooks.js';
import type { JourneyEvent } from '../../shared/domain/journeys/triggers.js';
import { isHeldOut, isInGlobalControl } from '../../shared/domain/sending/holdout.js';
import type { SendRequest } from '../../shared/domain/sending/send-request.js';
import { applyNewEvents } from '../../shared/use-cases/customers/apply-events.js';
import { putCustomer } from '../../shared/use-cases/customers/put-customer.js';
import { feedJourneyEvents, feedStoredEvents } from '../../shared/use-cases/journeys/feed-events.js';
import { listJourneys, setJourneyEnabled } from '../../shared/use-cases/journeys/journey-definitions.js';
import { runDueSteps, type TickDeps } from '../../shared/use-cases/journeys/run-due-steps.js';
import { customersWorld } from './customers.js';
import { FakeContactHistory } from './fakes/campaigns.js';
import { FakeDueIndex, FakeInstanceStore, FakeJourneyStore, FakeSendRequestQueue } from './fakes/journeys.js';

/**
 * One shop with journeys, in memory: events go in as the API and the stream take them, the clock
 * moves on tick by tick (only to the minutes the due index says something is due, as the local
 * clock does), and the send requests that reach the queue are read as lines:
 * `<UTC minute> <template> <key>` plus `[coupon]` or `(withheld: reason)`. A stand-in sender
 * records the requests that go in the contact log, so caps see them.
 */
export function journeysWorld() {
  const customers = customersWorld();
  const { settings, clock } = customers;
  const journeys = new FakeJourneyStore();
  const instances = new FakeInstanceStore();
  const due = new FakeDueIndex();
  const queue = new FakeSendRequestQueue();
  const contacts = new FakeContactHistory();
  const deps: TickDeps = {
    journeys,
    enabled: async (shopId) => {
      return (await listJourneys({ journeys }, shopId)).filter((j) => j.enabled).map((j) => j.definition);
    },
    instances,
    due,
    sends: queue,
    contacts,
    rates: new DryRunRateCounter(),
    profiles: customers.profiles,
    clock: clock.now,
    shopSettings: async () => settings,
  };
  const delivered: SendRequest[] = [];
  const deliver = () => {
    const taken = queue.take();
    delivered.push(...taken);
  };
  let lines: string[] = [];
  let people = 0;
  const line = (r: SendRequest) => {
    const key = (r.data?.key as string | null | undefined) ?? '';
    const coupon = r.data?.coupon ? ' [coupon]' : '';
    const mergedList = r.data?.merged;
    const merged = Array.isArray(mergedList) ? ` +${mergedList.length} merged` : '';
    const withheld = r.withheld ? ` (withheld: ${r.withheld.reason.split(':')[0]})` : '';
    return `${r.requestedAt.slice(0, 16)} ${r.templateId}${key ? ` ${key}` : ''}${coupon}${merged}${withheld}`;
  };
  const settle = async () => {
    for (let batch = customers.table.takeStream(); batch.length > 0; batch = customers.table.takeStream()) {
      const failed = await applyNewEvents(customers.deps, batch);
      const journeyFailed = await feedStoredEvents(deps, batch, failed);
      if (failed.size + journeyFailed.size > 0) throw new Error('events not applied');
    }
    const before = delivered.length;
    deliver();
    lines.push(...delivered.slice(before).map(line));
  };
  const enable = (journeyId: string) =>
    setJourneyEnabled({ journeys, clock: clock.now }, settings, journeyId, true);
  /** Sets traits (with email and marketing consent unless told otherwise). */
  const person = (customerId: string, traits: Record<string, unknown> = {}) =>
    putCustomer({ profiles: customers.profiles, clock: clock.now }, settings, customerId, {
      email: `${customerId}@example.com`,
      phone: `+86138${String(1_000_000 + ++people).slice(1)}00`,
      consent: { email: { marketing: true }, sms: { marketing: true } },
      ...traits,
    });
  /** Events through the API and the stream, at the clock's time unless they say. */
  const post = async (raws: Array<Record<string, unknown>>) => {
    await customers.ingest(raws.map((r) => ({ occurredAt: clock.iso(), properties: {}, ...r })));
    await settle();
  };
  return {
    ...customers,
    customerDeps: customers.deps,
    journeys,
    instances,
    due,
    queue,
    contacts,
    deps,
    delivered,
    enable,
    /**
     * Enables a journey and puts one customer none of its marketing steps holds out (nor the
     * global control group), with `traits`; returns the customer's id.
     */
    enableWithCustomer: async (journeyId: keyof typeof playbooks, traits: Record<string, unknown> = {}) => {
      await enable(journeyId);
      const id = reachable(journeyId);
      await person(id, traits);
      return id;
    },
    person,
    post,
    /** Sets the clock to `at` and posts events there: one row of a step table. */
    postAt: async (at: string, raws: Array<Record<string, unknown>>) => {
      clock.set(at);
      await post(raws);
    },
    /** Synthetic events (segment entered, …) straight into journeys. */
    feed: async (customerId: string, event: JourneyEvent) => {
      await feedJourneyEvents(deps, settings.shopId, [{ customerId, event }]);
      await settle();
    },
    /** Delivers the stream and what reached the send queue (a refresh's segment moves, say). */
    settle,
    /** A tick at the clock's minute. */
    tick: async () => {
      const result = await runDueSteps(deps, clock.now());
      await settle();
      return result;
    },
    /** Moves the clock to `until`, ticking at every minute something is due on the way. */
    runUntil: async (until: string) => {
      for (;;) {
        const cursors = await due.cursors();
        const next = cursors.flatMap((c) => (c.nextAt ? [c.nextAt] : [])).sort()[0];
        if (!next || `${next}:00.000Z` > until) break;
        if (`${next}:00.000Z` > clock.iso()) clock.set(`${next}:00.000Z`);
        const result = await runDueSteps(deps, clock.now());
        await settle();
        if (result.failedShards > 0) throw new Error('a shard failed');
      }
      clock.set(until);
    },
    /** The send request lines since the last call. */
    takeLines: () => {
      const out = lines;
      lines = [];
      return out;
    },
  };
}

/** A customer id that none of the journey's marketing steps holds out, nor the global control group. */
export function reachable(journeyId: keyof typeof playbooks, prefix = 'c'): string {
  const steps = (playbooks[journeyId].steps as Array<{ id: string }>).map((s) => s.id);
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (isInGlobalControl('tea', id)) continue;
    if (steps.every((stepId) => !isHeldOut('tea', id, { journeyId, stepId }))) return id;
  }
}

/** The one line of tea the journeys tests order and leave in carts. */
const teaItems = [{ sku: 'longjing-250', category: 'green-tea', price: 79, quantity: 1 }];

/**
 * Events as the tea shop sends them to the world, named as journey-steps.ts names them for the
 * local stack, but by event id (so a test says which event is which) and customer id (`c-1` unless
 * told); `post` dates them at the clock's time.
 */
export const ev = {
  placed: (
    id: string,
    orderId: string,
    order: { customerId?: string; total?: number; paidAt?: string } = {},
  ) => {
    const { customerId = 'c-1', total = 79, paidAt } = order;
    const properties = { orderId, total, currency: 'CNY', items: teaItems, ...(paidAt ? { paidAt } : {}) };
    return { id, type: 'order_placed', customerId, properties };
  },
  paid: (id: string, orderId: string, customerId = 'c-1') => ({
    id,
    type: 'order_paid',
    customerId,
    properties: { orderId },
  }),
  shipped: (id: string, orderId: string, customerId = 'c-1') => ({
    id,
    type: 'order_shipped',
    customerId,
    properties: { orderId, carrier: 'SF', trackingNumber: `SF-${orderId}` },
  }),
  /** A carrier's update on a shipped order, as the shop forwards it (the city with `arrived_in_city`). */
  delivery: (id: string, orderId: string, status: string, customerId = 'c-1') => ({
    id,
    type: 'order_delivery_updated',
    customerId,
    properties: { orderId, status, ...(status === 'arrived_in_city' ? { city: 'Hangzhou' } : {}) },
  }),
  refunded: (id: string, orderId: string, amount: number, customerId = 'c-1') => ({
    id,
    type: 'order_refunded',
    customerId,
    properties: { orderId, refundId: `R-${orderId}`, amount },
  }),
  cancelled: (id: string, orderId: string, customerId = 'c-1') => ({
    id,
    type: 'order_cancelled',
    customerId,
    properties: { orderId, reason: 'changed mind' },
  }),
  cart: (id: string, customerId: string) => ({
    id,
    type: 'cart_updated',
    customerId,
    properties: { items: teaItems },
  }),
  viewed: (id: string, customerId: string, properties: Record<string, unknown> = { url: '/' }) => ({
    id,
    type: 'page_viewed',
    customerId,
    properties,
  }),
  signedUp: (id: string, customerId: string) => ({ id, type: 'signed_up', customerId }),
};
