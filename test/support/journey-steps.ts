import { existsSync, readFileSync } from 'node:fs';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { expect, onTestFinished } from 'vitest';
import { parseDuration } from '../../infra/local/scheduler.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { DynamoSendRecordStore } from '../../shared/adapters/dynamodb/send-record-store.js';
import { type PlaybookId, playbooks } from '../../shared/domain/journeys/playbooks.js';
import { nextTimeOfDay, parseTimeOfDay } from '../../shared/domain/journeys/time.js';
import { isHeldOut, isInGlobalControl } from '../../shared/domain/sending/holdout.js';
import type { SendRequest } from '../../shared/domain/sending/send-request.js';
import { advance, call, newShop, type Shop, settle, stack, useStackDynamoDb } from './api.js';
import { queuedSendRequests } from './send-queue.js';

/**
 * Journey step tables on the local stack. One shop, a few customers known by role ("ann"), and a
 * list of rows: at each row's time (`+1d2h30m` after the table starts) the clock is moved there
 * (every schedule firing on the way), the row's events go in through `POST /v1/events`, and the
 * send requests that reached the send queue since the previous row are compared, exactly, with
 * the row's lines:
 *
 *     <when> <template> <channel> <customer>[ <instance key>][ [coupon]][ + <merged templates>][ (withheld: <reason>)]
 *
 * `<when>` is the simulated time the request was made, after the table's start. A request that
 * was not withheld must also have reached the outbox its channel goes to (the local SES store, the
 * SMS outbox), addressed to that customer; otherwise its line says what went wrong.
 */

const minuteMs = 60_000;
const lateMinutes = 15;
const shopZone = 'Asia/Shanghai';

export interface EventIn {
  type: string;
  /** The customer's role in the table. */
  customer: string;
  properties?: Record<string, unknown>;
  /** An order reported paid as it is placed: `paidAt` is the event's time. */
  paidAsPlaced?: boolean;
}

export interface Row {
  /** After the table's start: `+0m`, `+30m`, `+2d`, `+6d23h`. */
  at: string;
  /** Posted at the row's time, after the clock got there; a function reads the sends so far. */
  events?: EventIn[] | ((t: StepTable) => EventIn[]);
  /** The send requests made since the previous row, in the order they reached the queue. */
  expect: string[];
}

export interface CustomerSetup {
  /** Marketing consent on email and SMS; true unless told. */
  marketingConsent?: boolean;
}

export interface TableSetup {
  /** Playbooks to enable on top of the defaults (unpaid order reminder, order care, tier change). */
  enable?: PlaybookId[];
  customers: Record<string, CustomerSetup>;
  /** The table starts at the next HH:MM in the shop's zone (Asia/Shanghai); else at the next minute. */
  startAt?: string;
}

export interface StepTable {
  shop: Shop;
  /** The customer id a role has in this shop. */
  id: (role: string) => string;
  /** The send id of a customer's request from a template, made before now. */
  sendIdOf: (role: string, template: string) => string;
  /** What a customer got from a template (the latest such send), as it reached the outbox. */
  delivered: (role: string, template: string) => Promise<Delivered>;
  /** Runs the rows in order; the clock only moves forward. */
  run: (rows: Row[]) => Promise<void>;
  /** When the table started (epoch ms). */
  start: number;
}

export const clockNow = async (): Promise<number> =>
  Date.parse((await call(null, 'GET', '/v1/health')).body.time as string);

/** Moves the local clock to an instant (never back), firing what falls due on the way. */
export async function moveClockTo(at: number): Promise<void> {
  const ms = at - (await clockNow());
  if (ms > 0) await advance(`${Math.ceil(ms / 1000)}s`);
  await settle();
}

/** Marketing send steps of every playbook: a table's customers are held out of none of them. */
const marketingSteps = Object.entries(playbooks).flatMap(([journeyId, def]) =>
  (def.steps as Array<{ id: string; type: string; purpose?: string }>)
    .filter((s) => s.type === 'send' && s.purpose === 'marketing')
    .map((s) => ({ journeyId, stepId: s.id })),
);

/** The first `<role>-<n>` that no holdout and not the global control group keeps from marketing. */
function reachableId(shopId: string, role: string): string {
  for (let n = 1; ; n++) {
    const id = `${role}-${n}`;
    if (isInGlobalControl(shopId, id)) continue;
    if (marketingSteps.every((unit) => !isHeldOut(shopId, id, unit))) return id;
  }
}

/** `+1d2h30m` for an offset in minutes. */
function offsetText(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const text = `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}`;
  return `+${text || '0m'}`;
}

const offsetMs = (at: string) => parseDuration(at.replace(/^\+/, ''));

const byTime = (a: string, b: string) => {
  const [ta = '', ...ra] = a.split(' ');
  const [tb = '', ...rb] = b.split(' ');
  return offsetMs(ta) - offsetMs(tb) || (ra.join(' ') < rb.join(' ') ? -1 : 1);
};

/** What reached an outbox for one send: its address and what the customer reads. */
export interface Delivered {
  to: string;
  subject?: string;
  text: string;
}

interface Outboxes {
  email: Map<string, Delivered>;
  sms: Map<string, Delivered>;
}

/** Where each sendId went: the local SES store (by the unsubscribe link's send id) and the SMS outbox. */
async function outboxes(): Promise<Outboxes> {
  const store = (await (await fetch(`${stack().sesUrl}/store`)).json()) as {
    emails: Array<{
      destination: { to: string[] };
      subject: string;
      body: { text?: string };
      headers?: Array<{ name: string; value: string }>;
    }>;
  };
  const email = new Map<string, Delivered>();
  for (const e of store.emails) {
    const link = e.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value;
    const sendId = link ? new URL(link.replace(/^<|>$/g, '')).searchParams.get('i') : null;
    if (sendId)
      email.set(sendId, { to: e.destination.to.join(','), subject: e.subject, text: e.body.text ?? '' });
  }
  const sms = new Map<string, Delivered>();
  const file = stack().smsOutbox;
  if (existsSync(file))
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const m = JSON.parse(line) as { sendId?: string; to: string; text: string };
      if (m.sendId) sms.set(m.sendId, { to: m.to, text: m.text });
    }
  return { email, sms };
}

const phoneOf = (n: number) => `139${String(10_000_000 + n).slice(1)}`;

export async function stepTable(setup: TableSetup): Promise<StepTable> {
  const shop = await newShop();
  // The table's shop leaves the stack's shop list when its test ends: the local clock's nights
  // refresh every listed shop, so tables run later (and the other files) do not pay for this one.
  onTestFinished(async () => {
    useStackDynamoDb();
    await createDocumentClient().send(
      new DeleteCommand({ TableName: stack().tableName, Key: keys.shop(shop.shopId) }),
    );
  });
  for (const journeyId of setup.enable ?? []) {
    const res = await call(shop, 'POST', `/v1/journeys/${journeyId}/enable`);
    if (res.status !== 200) throw new Error(`enable ${journeyId}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const roles = new Map<string, { id: string; email: string; phone: string }>();
  let n = 0;
  for (const [role, c] of Object.entries(setup.customers)) {
    const id = reachableId(shop.shopId, role);
    const person = { id, email: `${id}@${shop.shopId}.example.com`, phone: phoneOf(++n) };
    const consent = c.marketingConsent ?? true;
    const res = await call(shop, 'PUT', `/v1/customers/${id}`, {
      name: role,
      email: person.email,
      phone: person.phone,
      ...(consent ? { consent: { email: { marketing: true }, sms: { marketing: true } } } : {}),
    });
    if (res.status >= 300) throw new Error(`customer ${role}: ${res.status} ${JSON.stringify(res.body)}`);
    roles.set(role, person);
  }
  await settle();
  const roleOf = new Map([...roles].map(([role, p]) => [p.id, role]));
  const person = (role: string) => {
    const p = roles.get(role);
    if (!p) throw new Error(`no customer ${role} in this table`);
    return p;
  };

  const now = await clockNow();
  const start = setup.startAt
    ? nextTimeOfDay(new Date(now + minuteMs), parseTimeOfDay(setup.startAt), shopZone).getTime()
    : Math.ceil((now + 1) / minuteMs) * minuteMs;
  await moveClockTo(start);
  // Requests made while customers were set up (none expected) are not the table's.
  let seen = queuedSendRequests(shop.shopId).length;
  let eventCount = 0;

  useStackDynamoDb();
  const records = new DynamoSendRecordStore(createDocumentClient(), stack().tableName);
  const line = async (r: SendRequest, outbox: Outboxes): Promise<{ text: string; minutes: number }> => {
    const minutes = Math.floor((Date.parse(r.requestedAt) - start) / minuteMs);
    const role = roleOf.get(r.intent.customerId) ?? r.intent.customerId;
    const key = typeof r.data?.key === 'string' ? ` ${r.data.key}` : '';
    const coupon = r.data?.coupon ? ' [coupon]' : '';
    const merged = Array.isArray(r.data?.merged)
      ? ` + ${(r.data.merged as Array<{ templateId: string }>).map((m) => m.templateId).join(', ')}`
      : '';
    const withheld = r.withheld ? ` (withheld: ${r.withheld.reason.split(':')[0]})` : '';
    let delivery = '';
    if (!r.withheld) {
      const p = roles.get(role);
      const to = (r.channel === 'email' ? outbox.email : outbox.sms).get(r.sendId)?.to;
      const expected = r.channel === 'email' ? p?.email : p?.phone;
      if (to === undefined) {
        // The sender's record says why: skipped or failed, with its reason.
        const record = await records.get(shop.shopId, r.sendId);
        delivery = ` (not in the ${r.channel} outbox: ${record ? `${record.status} ${record.reason ?? ''}` : 'no send record'})`;
      } else if (!expected || !to.endsWith(expected)) delivery = ` (went to ${to})`;
    }
    return {
      text: `${r.templateId} ${r.channel} ${role}${key}${coupon}${merged}${withheld}${delivery}`,
      minutes,
    };
  };

  /**
   * What the queue got since `from`, once the stack is quiet: a message the stream made of a message
   * the stream made (an order, then the tier change it caused) may still be with the sender when
   * `settle` returns, so it waits (a few seconds at most) until every request is settled or sent.
   */
  const quiet = async (from: number) => {
    for (let attempt = 0; ; attempt++) {
      await settle();
      const requests = queuedSendRequests(shop.shopId);
      const outbox = await outboxes();
      const made = await Promise.all(requests.slice(from).map((r) => line(r, outbox)));
      const busy = made.some((m) => /outbox: (sending|no send record)/.test(m.text));
      if (!busy || attempt >= 40) return { requests, made };
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const table: StepTable = {
    shop,
    start,
    id: (role) => person(role).id,
    sendIdOf: (role, templateId) => {
      const found = queuedSendRequests(shop.shopId).find(
        (r) => r.intent.customerId === person(role).id && r.templateId === templateId,
      );
      if (!found) throw new Error(`no ${templateId} request for ${role} yet`);
      return found.sendId;
    },
    delivered: async (role, templateId) => {
      const r = queuedSendRequests(shop.shopId)
        .filter((q) => q.intent.customerId === person(role).id && q.templateId === templateId && !q.withheld)
        .at(-1);
      const found = r && (await outboxes())[r.channel].get(r.sendId);
      if (!found) throw new Error(`${role} got no ${templateId}`);
      return found;
    },
    run: async (rows) => {
      for (const row of rows) {
        await moveClockTo(start + offsetMs(row.at));
        const events = typeof row.events === 'function' ? row.events(table) : (row.events ?? []);
        if (events.length > 0) {
          const occurredAt = new Date(await clockNow()).toISOString();
          const res = await call(shop, 'POST', '/v1/events', {
            events: events.map((e) => ({
              id: `e${++eventCount}`,
              type: e.type,
              occurredAt,
              customerId: person(e.customer).id,
              properties: { ...e.properties, ...(e.paidAsPlaced ? { paidAt: occurredAt } : {}) },
            })),
          });
          if (res.status !== 202)
            throw new Error(`events at ${row.at}: ${res.status} ${JSON.stringify(res.body)}`);
          await settle();
        }
        const { requests, made } = await quiet(seen);
        seen = requests.length;
        // A timer goes at the first minute tick after it falls due, and a wait counts from when the
        // step before it ran (the local clock runs on while a tick works): a request may carry some
        // minutes after its nominal time, more after several long waits. Within `lateMinutes`, the
        // expected time is the one shown.
        const expected = row.expect.map((e) => {
          const [when, ...rest] = e.split(' ');
          return { when: when as string, text: rest.join(' ') };
        });
        const actual = made.map((m) => {
          const match = expected.find(
            (e) =>
              e.text === m.text &&
              m.minutes - offsetMs(e.when) / minuteMs >= 0 &&
              m.minutes - offsetMs(e.when) / minuteMs <= lateMinutes,
          );
          return `${match ? match.when : offsetText(m.minutes)} ${m.text}`;
        });
        // Requests of one tick reach the queue in no set order: compared in order of time, then text.
        expect(actual.sort(byTime), `sends up to ${row.at}`).toEqual([...row.expect].sort(byTime));
      }
    },
  };
  return table;
}

/** Events as a shop sends them, by the customer's role in the table. */
const items = (sku: string, price: number, category = 'green-tea') => [
  { sku, name: 'Longjing green tea 250g', category, price, quantity: 1 },
];

function placed(
  customer: string,
  orderId: string,
  total: number,
  extra: Record<string, unknown> = {},
): EventIn {
  return {
    type: 'order_placed',
    customer,
    properties: { orderId, total, currency: 'CNY', items: items('longjing-250', total), ...extra },
  };
}

export const ev = {
  signedUp: (customer: string): EventIn => ({ type: 'signed_up', customer }),
  placed,
  /** An order placed and paid at once (as imports and Segment's "Order Completed" report them). */
  paidOrder: (customer: string, orderId: string, total: number): EventIn => ({
    ...placed(customer, orderId, total),
    paidAsPlaced: true,
  }),
  paid: (customer: string, orderId: string): EventIn => ({
    type: 'order_paid',
    customer,
    properties: { orderId },
  }),
  shipped: (customer: string, orderId: string): EventIn => ({
    type: 'order_shipped',
    customer,
    properties: { orderId, carrier: 'SF Express', trackingNumber: `SF${orderId}` },
  }),
  refunded: (customer: string, orderId: string, amount: number): EventIn => ({
    type: 'order_refunded',
    customer,
    properties: { orderId, refundId: `R-${orderId}`, amount },
  }),
  cancelled: (customer: string, orderId: string): EventIn => ({
    type: 'order_cancelled',
    customer,
    properties: { orderId, reason: 'changed mind' },
  }),
  /** A carrier's update on a shipped order, as the shop forwards it. */
  delivery: (
    customer: string,
    orderId: string,
    status: 'arrived_in_city' | 'out_for_delivery' | 'delivered',
    city?: string,
  ): EventIn => ({
    type: 'order_delivery_updated',
    customer,
    properties: { orderId, status, ...(city ? { city } : {}) },
  }),
  cart: (customer: string, skus: string[]): EventIn => ({
    type: 'cart_updated',
    customer,
    properties: { items: skus.flatMap((sku) => items(sku, 79)) },
  }),
  viewed: (customer: string, sku: string): EventIn => ({
    type: 'page_viewed',
    customer,
    properties: { url: `https://shop.example/p/${sku}`, sku },
  }),
  message: (type: 'message_opened' | 'message_clicked', customer: string, sendId: string): EventIn => ({
    type,
    customer,
    properties: { sendId },
  }),
};
