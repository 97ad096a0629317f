import { isDeepStrictEqual } from 'node:util';
import { demoShop } from '../../infra/local/demo-shop.js';
import { eventItem } from '../../shared/adapters/dynamodb/event-store.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { chunk } from '../../shared/domain/collections.js';
import type { StoredEvent } from '../../shared/domain/customers/events.js';
import { normalizeBatch } from '../../shared/domain/customers/normalize.js';
import { applyEvents, newProfile } from '../../shared/domain/customers/profile.js';
import { customerView } from '../../shared/domain/customers/view.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import { enabledByDefault, setJourneyEnabled } from '../../shared/use-cases/journeys/journey-definitions.js';
import { kindByKeys } from './support/billing-meter.js';
import {
  type BenchStack,
  getJson,
  log,
  median,
  rawBatchWrite,
  round,
  seconds,
  sendEvents,
  writers,
} from './support/stack.js';

export interface IntakeFigures {
  events: number;
  customers: number;
  mix: Record<string, number>;
  rounds: Array<{ raw: number; endToEnd: number; accepted: number }>;
  writeUnitsPerEvent: number;
  tableWriteUnitsPerEvent: number;
  indexWriteUnitsPerEvent: number;
  readUnitsPerEvent: number;
  /** Read units per event by the kind of item read, and requests per event by operation (API and stream). */
  readUnitsByKind: Record<string, number>;
  /** Write units per event (table and index) by the kind of item written. */
  writeUnitsByKind: Record<string, number>;
  requestsPerEvent: Record<string, number>;
  rawWriteUnitsPerItem: number;
  ratioToRawWrites: number;
  checked: number;
  /** The same events into a shop with the playbooks on by default (its own metered round). */
  withDefaultJourneys: {
    writeUnitsPerEvent: number;
    /** Write units per event by what was written: intake, journeys, sends. */
    byPart: Record<string, number>;
  };
}

/** What an item is for, by its keys: the journeys' and the sender's items apart from intake's. */
export function partOf(pk: string, sk: string): 'intake' | 'journeys' | 'sends' {
  if (pk.startsWith('DUE#') || /^(JOURNEY|HEAD|VER)#/.test(sk)) return 'journeys';
  if (/#(SEND|SOURCE|COUPON)#/.test(pk) || pk.endsWith('#SENDS') || sk.startsWith('CONTACT#')) return 'sends';
  return 'intake';
}

type DemoEvent = ReturnType<typeof demoShop>['events'][number];

/** The demo shop's events with ids and customers of their own, so every round is new data. */
function roundOf(events: DemoEvent[], round: string): DemoEvent[] {
  return events.map((e) => ({
    ...e,
    id: `${e.id}-${round}`,
    customerId: `${e.customerId}-${round}`,
    properties:
      'orderId' in e.properties
        ? { ...e.properties, orderId: `${e.properties.orderId}-${round}` }
        : e.properties,
  }));
}

function stored(events: DemoEvent[], settings: ShopSettings): StoredEvent[] {
  return chunk(events, 100).flatMap((part) =>
    normalizeBatch(part, settings, new Date(), (i) => ['events', i]),
  );
}

/**
 * Intake end to end against raw writes of the same items, in alternated rounds after a warm-up:
 * `POST /v1/events` from `writers` clients until the stream handler has applied every event, and
 * BatchWriteItem of the same event items to the same table (under keys the stream filter passes
 * by). Then a metered round for the write units AWS would bill, and a sample of profiles checked
 * equal to the pure reducer over their events.
 */
export async function benchIntake(
  stack: BenchStack,
  eventCount: number,
  roundCount: number,
): Promise<IntakeFigures> {
  const { runtime, doc, meter } = stack;
  // Intake alone: the playbooks a shop has on by default (order care, …) are measured apart below.
  const shop = await stack.newShop('bench-intake');
  const journeys = { journeys: new DynamoJourneyStore(doc, runtime.tableName), clock: () => new Date() };
  for (const id of enabledByDefault) await setJourneyEnabled(journeys, shop.settings, id, false);
  const demo = demoShop({ seed: 1, customers: Math.ceil(eventCount / 15), end: new Date() });
  const base = demo.events.slice(0, eventCount);
  const mix: Record<string, number> = {};
  for (const e of base) mix[e.type] = (mix[e.type] ?? 0) + 1;

  const endToEnd = async (events: DemoEvent[], key = shop.key) => {
    const started = Date.now();
    await sendEvents(runtime.apiUrl, key, events);
    const accepted = events.length / seconds(started);
    await runtime.settle(3_600_000);
    return { rate: events.length / seconds(started), accepted };
  };
  const raw = (events: DemoEvent[], tag: string) =>
    rawBatchWrite(
      doc,
      runtime.tableName,
      stored(events, shop.settings).map((e) => ({
        ...eventItem({ ...e, shopId: 'bench-raw' }),
        sk: `RAW#${tag}#${e.id}`,
      })),
    );

  log('intake: warm-up');
  await endToEnd(roundOf(base.slice(0, 1000), 'warm'));
  await raw(roundOf(base.slice(0, 1000), 'warm'), 'warm');

  const rounds: IntakeFigures['rounds'] = [];
  for (let r = 0; r < roundCount; r++) {
    const events = roundOf(base, `r${r}`);
    // Alternate which goes first, so a drift of the machine's speed falls on both.
    const first = r % 2 === 0 ? 'raw' : 'e2e';
    let rawRate = 0;
    let e2e = { rate: 0, accepted: 0 };
    if (first === 'raw') rawRate = await raw(events, `r${r}`);
    e2e = await endToEnd(events);
    if (first === 'e2e') rawRate = await raw(events, `r${r}`);
    rounds.push({ raw: rawRate, endToEnd: e2e.rate, accepted: e2e.accepted });
    log(`intake round ${r + 1}: end to end ${round(e2e.rate)} events/s, raw ${round(rawRate)} items/s`);
  }

  // Write units as AWS bills them: a round of its own with the meter on.
  const metered = roundOf(base, 'metered');
  meter.reset();
  meter.enabled = true;
  await endToEnd(metered);
  meter.enabled = false;
  const bill = structuredClone(meter.bill); // a copy: writes still in flight bill the live one
  meter.reset();
  meter.enabled = true;
  await raw(roundOf(base.slice(0, 1000), 'metered-raw'), 'metered-raw');
  meter.enabled = false;
  const rawBill = structuredClone(meter.bill); // a copy: writes still in flight bill the live one

  // The same events into a shop as created, with its default playbooks: what journeys and sends add.
  const journeyShop = await stack.newShop('bench-intake-journeys');
  meter.reset();
  meter.classify = partOf;
  meter.enabled = true;
  await endToEnd(roundOf(base, 'journeys'), journeyShop.key);
  meter.enabled = false;
  const journeyBill = structuredClone(meter.bill); // a copy: writes still in flight bill the live one
  meter.classify = kindByKeys;

  // Stats up to date: a sample of profiles equals the pure reducer over their events.
  const events = stored(metered, shop.settings);
  const sample = [...new Set(events.map((e) => e.customerId as string))].filter((_, i) => i % 25 === 0);
  for (const customerId of sample) {
    const own = events.filter((e) => e.customerId === customerId);
    const expected = customerView(
      applyEvents(newProfile(shop.settings.shopId, customerId, ''), own, shop.settings).profile,
      shop.settings.timeZone,
      [],
    ).stats;
    const actual = (
      await getJson<{ stats: unknown }>(runtime.apiUrl, shop.key, `/v1/customers/${customerId}`)
    ).stats;
    if (!isDeepStrictEqual(actual, expected))
      throw new Error(`stats of ${customerId} are not up to date: ${JSON.stringify({ actual, expected })}`);
  }
  log(
    `intake: ${sample.length} profiles equal to the reducer; ${round(bill.writeUnits / base.length, 2)} WU/event`,
  );
  return {
    events: base.length,
    customers: new Set(base.map((e) => e.customerId)).size,
    mix,
    rounds,
    writeUnitsPerEvent: bill.writeUnits / base.length,
    tableWriteUnitsPerEvent: bill.tableWriteUnits / base.length,
    indexWriteUnitsPerEvent: bill.indexWriteUnits / base.length,
    readUnitsPerEvent: bill.readUnits / base.length,
    readUnitsByKind: perEvent(bill.readsByKind, base.length),
    writeUnitsByKind: perEvent(bill.byKind, base.length),
    requestsPerEvent: perEvent(bill.requests, base.length),
    rawWriteUnitsPerItem: rawBill.writeUnits / 1000,
    ratioToRawWrites: median(rounds.map((r) => r.endToEnd / r.raw)),
    checked: sample.length,
    withDefaultJourneys: {
      writeUnitsPerEvent: journeyBill.writeUnits / base.length,
      byPart: Object.fromEntries(
        Object.entries(journeyBill.byKind).map(([part, units]) => [part, units / base.length]),
      ),
    },
  };
}

function perEvent(counts: Record<string, number>, events: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([k, n]) => [k, n / events]),
  );
}

const listed = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n >= 0.005)
    .map(([k, n]) => `${k} ${round(n, 2)}`)
    .join(', ');

export function intakeMarkdown(f: IntakeFigures): string {
  const mix = Object.entries(f.mix)
    .sort(([, a], [, b]) => b - a)
    .map(([type, n]) => `${type} ${round((100 * n) / f.events, 0)}%`)
    .join(', ');
  return [
    '## Intake, end to end',
    '',
    `${f.events} events of the demo shop (${f.customers} customers' history in time order; ${mix}), sent through \`POST /v1/events\` in batches of 100 by ${writers} clients at once and timed until the stream handler had applied every one, against raw \`BatchWriteItem\` of the same event items to the same table by ${writers} writers. ${f.rounds.length} rounds after a warm-up, alternating which goes first; every round is new customers and new events. Write units from a further round with the meter on; ${f.checked} profiles then checked equal to the pure reducer over their events.`,
    '',
    '| round | end to end (events/s) | raw (items/s) | ratio |',
    '|---|---|---|---|',
    ...f.rounds.map(
      (r, i) => `| ${i + 1} | ${round(r.endToEnd)} | ${round(r.raw)} | ${round(r.endToEnd / r.raw, 2)} |`,
    ),
    '',
    '| measure | value |',
    '|---|---|',
    `| **end to end ÷ raw** (median of the rounds; goal ≥ 0.7) | **${round(f.ratioToRawWrites, 2)}** |`,
    `| **write units per event, as AWS bills them** (goal ≤ 2) | **${round(f.writeUnitsPerEvent, 2)}** |`,
    `| of which table / index writes | ${round(f.tableWriteUnitsPerEvent, 2)} / ${round(f.indexWriteUnitsPerEvent, 2)} |`,
    `| read units per event | ${round(f.readUnitsPerEvent, 2)} |`,
    `| write units per event by item written | ${listed(f.writeUnitsByKind ?? {})} |`,
    `| of which, by item read | ${listed(f.readUnitsByKind ?? {})} |`,
    `| requests per event (API and stream) | ${listed(f.requestsPerEvent ?? {})} |`,
    `| write units per raw item | ${round(f.rawWriteUnitsPerItem, 2)} |`,
    '',
    `The shop above has its default playbooks switched off: these figures are intake (events stored, profiles and live segments kept, orders attributed). The same events into a shop as created, with ${[...enabledByDefault].join(', ')} on, cost **${round(f.withDefaultJourneys.writeUnitsPerEvent, 2)} write units per event**: ${Object.entries(
      f.withDefaultJourneys.byPart,
    )
      .filter(([, units]) => units >= 0.005)
      .sort(([, a], [, b]) => b - a)
      .map(([part, units]) => `${part} ${round(units, 2)}`)
      .join(
        ', ',
      )} (journeys: instances and due pointers; sends: the sender's records of the messages those journeys sent at once, such as the shipping notices).`,
    '',
  ].join('\n');
}
