import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { demoShop } from '../../infra/local/demo-shop.js';
import { batchGet } from '../../shared/adapters/dynamodb/batch.js';
import { eventItem } from '../../shared/adapters/dynamodb/event-store.js';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { chunk } from '../../shared/domain/collections.js';
import { normalizeBatch } from '../../shared/domain/customers/normalize.js';
import { itemSize } from './support/billing-meter.js';
import {
  type BenchStack,
  log,
  median,
  rawBatchWrite,
  round,
  seconds,
  sendEvents,
  writers,
} from './support/stack.js';

/**
 * What DynamoDB Local itself allows an import, whatever huitou does: the same event items written
 * three ways, in alternated rounds after a warm-up, on the stack the import section uses.
 * - events: the event items alone, BatchWriteItem by `writers` writers (the raw rate the import is
 *   compared with);
 * - floor: the same events plus the fewest other items any import must write for them, a profile
 *   and an identity link per customer (copies of real ones), all BatchWriteItem, no conditions;
 * - as the import writes them: the profiles and links as conditional PutItems, 16 at once (what
 *   keeps an import correct against live traffic for the same customers), the events batched.
 * Events per second of each, ÷ the first, bound the import's ratio on this store.
 */

export interface StoreFigures {
  events: number;
  customersPerEvent: number;
  /** Profile commits an event, as the intake section counted them (its PutItems an event). */
  commitsPerEvent: number;
  rounds: Array<{ events: number; floor: number; conditional: number; intake: number }>;
  floorRatio: number;
  conditionalRatio: number;
  intakeRatio: number;
  profileBytes: number;
  linkBytes: number;
}

type Item = Record<string, unknown>;

/** Real profile and identity items: the demo shop's customers, as the stream made them. */
async function sampleCustomerItems(stack: BenchStack): Promise<{ profiles: Item[]; links: Item[] }> {
  const shop = await stack.newShop('bench-store-sample');
  const demo = demoShop({ seed: 2, customers: 60, end: new Date() });
  // Registered as the demo shop registers them (a phone or an email each), then their history.
  for (const c of demo.customers) {
    const res = await fetch(`${stack.runtime.apiUrl}/v1/customers/${encodeURIComponent(c.customerId)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${shop.key}` },
      body: JSON.stringify({ name: c.name, phone: c.phone, email: c.email }),
    });
    if (!res.ok) throw new Error(`store: customer ${c.customerId}: ${res.status} ${await res.text()}`);
  }
  await sendEvents(stack.runtime.apiUrl, shop.key, demo.events);
  await stack.runtime.settle(600_000);
  // Customers with one to three orders, as most of the import's history is (47% buy once).
  const orders = new Map<string, number>();
  for (const e of demo.events)
    if (e.type === 'order_placed')
      orders.set(e.customerId as string, (orders.get(e.customerId as string) ?? 0) + 1);
  const ids = demo.customers
    .map((c) => c.customerId)
    .filter((id) => (orders.get(id) ?? 0) >= 1 && (orders.get(id) ?? 0) <= 3);
  const profiles: Item[] = [];
  const links: Item[] = [];
  for (const id of ids) {
    const got = await stack.doc.send(
      new GetCommand({ TableName: stack.runtime.tableName, Key: keys.customer(shop.settings.shopId, id) }),
    );
    if (!got.Item) continue;
    profiles.push(got.Item);
    for (const identity of (got.Item.identities as string[] | undefined) ?? []) {
      const link = await stack.doc.send(
        new GetCommand({
          TableName: stack.runtime.tableName,
          Key: keys.identity(shop.settings.shopId, identity),
        }),
      );
      if (link.Item) links.push(link.Item);
    }
  }
  if (profiles.length === 0 || links.length === 0) throw new Error('store: no customer items to copy');
  return { profiles, links };
}

/** An item copied under another customer: every string naming the old one names the new one. */
function copyFor(item: Item, from: string, to: string): Item {
  return Object.fromEntries(
    Object.entries(item).map(([k, v]) => [k, typeof v === 'string' ? v.split(from).join(to) : v]),
  );
}

/** Mean size as DynamoDB counts it. */
const bytes = (items: Item[]) =>
  items.reduce((sum, i) => sum + itemSize(marshall(i, { removeUndefinedValues: true })), 0) / items.length;

export async function benchStore(
  stack: BenchStack,
  eventCount: number,
  customersPerEvent: number,
  commitsPerEvent: number,
  roundCount: number,
): Promise<StoreFigures> {
  const { doc, runtime } = stack;
  const table = runtime.tableName;
  const sample = await sampleCustomerItems(stack);
  const demo = demoShop({ seed: 3, customers: Math.ceil(eventCount / 15), end: new Date() });
  const settings = (await stack.newShop('bench-store')).settings;
  const stored = chunk(demo.events.slice(0, eventCount), 100).flatMap((part) =>
    normalizeBatch(part, settings, new Date(), (i) => ['events', i]),
  );
  const customers = Math.round(stored.length * Math.max(customersPerEvent, commitsPerEvent));
  const commits = Math.round(stored.length * commitsPerEvent);

  /** The round's items under keys of their own. */
  const itemsOf = (tag: string) => {
    const events = stored.map((e) => ({
      ...eventItem({ ...e, shopId: `store-${tag}` }),
      sk: `RAW#${tag}#${e.id}`,
    }));
    const profiles: Item[] = [];
    const links: Item[] = [];
    for (let i = 0; i < customers; i++) {
      const profile = sample.profiles[i % sample.profiles.length] as Item;
      const link = sample.links[i % sample.links.length] as Item;
      profiles.push(copyFor(profile, profile.customerId as string, `${tag}-c${i}`));
      links.push({
        ...copyFor(link, link.customerId as string, `${tag}-c${i}`),
        pk: `${link.pk}#${tag}-${i}`,
      });
    }
    return { events, profiles, links };
  };

  const conditionalPuts = async (items: Item[]) => {
    const queue = [...items];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let item = queue.shift(); item; item = queue.shift())
          await doc.send(
            new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
          );
      }),
    );
  };

  /** Events as the API stores them: per 100, the duplicate check (one BatchGet) and the batched writes. */
  const apiWrites = async (events: Item[]) => {
    const parts = chunk(events, 100);
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let part = parts.shift(); part; part = parts.shift()) {
          await batchGet(
            doc,
            table,
            part.map((e) => ({ pk: e.pk as string, sk: e.sk as string })),
            { projection: { expression: 'id' }, consistent: false },
          );
          await rawBatchWrite(doc, table, part, 1);
        }
      }),
    );
  };

  const ways = {
    events: async (tag: string) => {
      const { events } = itemsOf(tag);
      return rawBatchWrite(doc, table, events);
    },
    floor: async (tag: string) => {
      const { events, profiles, links } = itemsOf(tag);
      const started = Date.now();
      await rawBatchWrite(doc, table, [...events, ...profiles, ...links]);
      return events.length / seconds(started);
    },
    conditional: async (tag: string) => {
      const { events, profiles, links } = itemsOf(tag);
      const started = Date.now();
      await conditionalPuts([...profiles, ...links]);
      await rawBatchWrite(doc, table, events);
      return events.length / seconds(started);
    },
    intake: async (tag: string) => {
      const { events, profiles } = itemsOf(tag);
      const started = Date.now();
      await Promise.all([apiWrites(events), conditionalPuts(profiles.slice(0, commits))]);
      return events.length / seconds(started);
    },
  };
  const order = ['events', 'floor', 'conditional', 'intake'] as const;

  log('store: warm-up');
  for (const way of order) await ways[way](`warm-${way}`);
  const rounds: StoreFigures['rounds'] = [];
  for (let r = 0; r < roundCount; r++) {
    // Each round starts with a different way, so a drift of the machine falls on all three.
    const rates = { events: 0, floor: 0, conditional: 0, intake: 0 };
    for (let k = 0; k < order.length; k++) {
      const way = order[(r + k) % order.length] as (typeof order)[number];
      rates[way] = await ways[way](`r${r}-${way}`);
    }
    rounds.push(rates);
    log(`store round ${r + 1}: ${JSON.stringify(rates)}`);
  }
  return {
    events: stored.length,
    customersPerEvent,
    commitsPerEvent,
    rounds,
    floorRatio: median(rounds.map((r) => r.floor / r.events)),
    conditionalRatio: median(rounds.map((r) => r.conditional / r.events)),
    intakeRatio: median(rounds.map((r) => r.intake / r.events)),
    profileBytes: Math.round(bytes(sample.profiles)),
    linkBytes: Math.round(bytes(sample.links)),
  };
}

export function storeMarkdown(f: StoreFigures): string {
  return [
    '## What DynamoDB Local allows an import and an intake',
    '',
    `The ceilings under the two ratios, on the same DynamoDB Local: ${f.events} event items written four ways, ${f.rounds.length} rounds after a warm-up, each round starting with a different way. *events*: the event items alone, \`BatchWriteItem\` by ${writers} writers (the raw rate both ratios are compared with). *floor*: the same events plus the fewest other items an import must write for them, one profile (${f.profileBytes} B on average: copies of real ones, of customers with one to three orders) and one identity link (${f.linkBytes} B) per customer, ${round(f.customersPerEvent, 2)} customers an event as in the import section, all \`BatchWriteItem\` with no conditions. *conditional*: the profiles and links as conditional \`PutItem\`s, 16 at once (what keeps an import correct against live traffic for the same customers), the events batched. *intake*: what an intake cannot do without, and nothing else: the events as the API stores them (per 100, one \`BatchGetItem\` duplicate check, then the batched writes) and, at once, one conditional \`PutItem\` of a profile per customer per stream batch, ${round(f.commitsPerEvent, 2)} an event as the intake section counted them (no attribution, no other reads, no HTTP, no stream).`,
    '',
    '| round | events alone (events/s) | floor (events/s) | conditional (events/s) | intake (events/s) |',
    '|---|---|---|---|---|',
    ...f.rounds.map(
      (r, i) =>
        `| ${i + 1} | ${round(r.events)} | ${round(r.floor)} | ${round(r.conditional)} | ${round(r.intake)} |`,
    ),
    '',
    '| measure | value |',
    '|---|---|',
    `| **floor ÷ events alone**: the best any import writing a profile and a link per customer can do here | **${round(f.floorRatio, 2)}** |`,
    `| conditional ÷ events alone: the same items written the way the import must write them | ${round(f.conditionalRatio, 2)} |`,
    `| **intake ÷ events alone**: the best any intake checking duplicates and committing each customer once a batch can do here | **${round(f.intakeRatio, 2)}** |`,
    '',
  ].join('\n');
}
