import { z } from 'zod';
import { chunk } from '../../domain/collections.js';
import type { StoredEvent } from '../../domain/customers/events.js';
import type { Traits } from '../../domain/customers/profile.js';
import { type FieldIssue, ValidationError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import { identitiesOf } from '../customers/apply-events.js';
import { type ChangeDeps, changeCustomer } from '../customers/change-customer.js';
import { type CustomerTraits, customerIdSchema, parseTraits } from '../customers/customers.js';
import { issuesOf, normalizeBatch } from '../customers/ingest-events.js';

/**
 * A shop's history, one row each:
 * - an order (has `orderId`): becomes the events the shop would have sent (order_placed, order_paid,
 *   order_refunded) with ids derived from the order id, so importing twice, or also sending the
 *   orders through the API, never counts an order twice (orders are facts by id);
 * - an event in the API's own shape (has `type`);
 * - a customer (anything else): `customerId` and the traits of `PUT /v1/customers/{id}`; in CSV,
 *   tags are separated by `|` and marketing consent comes as `emailMarketing` / `smsMarketing`.
 */
const number = z.union([z.number(), z.string().trim().min(1).transform(Number)]).pipe(z.number());
const optionalText = z
  .string()
  .trim()
  .max(256)
  .optional()
  .transform((v) => (v ? v : undefined));

const orderRowSchema = z.object({
  orderId: z.string().trim().min(1).max(128),
  customerId: optionalText,
  phone: optionalText,
  email: optionalText,
  placedAt: z.string().trim().min(1),
  paidAt: optionalText,
  total: number,
  currency: z.string().trim().length(3),
  couponCode: optionalText,
  sku: optionalText,
  category: optionalText,
  quantity: number.optional(),
  refundedAmount: number.optional(),
  refundedAt: optionalText,
});

const yesNo = z
  .union([z.boolean(), z.enum(['true', 'false', 'yes', 'no', '1', '0', ''])])
  .transform((v) => (typeof v === 'boolean' ? v : v === '' ? undefined : ['true', 'yes', '1'].includes(v)));

const customerRowSchema = z
  .object({
    customerId: customerIdSchema,
    tags: z
      .union([z.array(z.string()), z.string().transform((t) => t.split('|').filter(Boolean))])
      .optional(),
    emailMarketing: yesNo.optional(),
    smsMarketing: yesNo.optional(),
  })
  .catchall(z.unknown());

type Row =
  | { kind: 'events'; events: unknown[] }
  | { kind: 'customer'; customerId: string; traits: CustomerTraits };

function rowOf(raw: unknown, index: number, settings: ShopSettings): Row {
  if (raw && typeof raw === 'object' && 'type' in raw) return { kind: 'events', events: [raw] };
  if (raw && typeof raw === 'object' && 'orderId' in raw)
    return { kind: 'events', events: eventsOfOrder(raw, index) };
  const parsed = customerRowSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error, index, ['row', index]));
  const { customerId, emailMarketing, smsMarketing, tags, ...rest } = parsed.data;
  // CSV leaves empty cells for traits a customer lacks; they are absent, not empty.
  const traits = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== '' && v !== undefined));
  const consent = {
    ...(emailMarketing === undefined ? {} : { email: { marketing: emailMarketing } }),
    ...(smsMarketing === undefined ? {} : { sms: { marketing: smsMarketing } }),
  };
  return {
    kind: 'customer',
    customerId,
    traits: parseTraits(
      settings,
      { ...traits, ...(tags ? { tags } : {}), ...(Object.keys(consent).length > 0 ? { consent } : {}) },
      ['row', index],
      index,
    ),
  };
}

function eventsOfOrder(raw: unknown, index: number): unknown[] {
  const parsed = orderRowSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error, index, ['row', index]));
  const r = parsed.data;
  const who = { customerId: r.customerId, phone: r.phone, email: r.email };
  const events: unknown[] = [
    {
      id: `import:${r.orderId}:placed`,
      type: 'order_placed',
      occurredAt: r.placedAt,
      ...who,
      properties: {
        orderId: r.orderId,
        total: r.total,
        currency: r.currency,
        items: [{ sku: r.sku ?? r.orderId, category: r.category, price: r.total, quantity: r.quantity ?? 1 }],
        ...(r.couponCode ? { couponCode: r.couponCode } : {}),
      },
    },
  ];
  if (r.paidAt)
    events.push({
      id: `import:${r.orderId}:paid`,
      type: 'order_paid',
      occurredAt: r.paidAt,
      ...who,
      properties: { orderId: r.orderId },
    });
  if (r.refundedAmount) {
    events.push({
      id: `import:${r.orderId}:refund`,
      type: 'order_refunded',
      occurredAt: r.refundedAt ?? r.paidAt ?? r.placedAt,
      ...who,
      properties: { orderId: r.orderId, refundId: `import:${r.orderId}`, amount: r.refundedAmount },
    });
  }
  return events.map((e) => JSON.parse(JSON.stringify(e)));
}

export interface ImportReport {
  rows: number;
  accepted: number;
  duplicates: number;
  customers: number;
  /** Set when the import paused before the end: the row to resume at. */
  resumeAt?: number;
}

export interface ImportDeps {
  events: EventStore;
  customers: ChangeDeps;
}

export interface ImportOptions {
  now: Date;
  /** Resumes a paused import: every row was validated, and the rows before this one written. */
  resumeAt?: number;
  /** Asked after each chunk; true pauses the import, so a caller with a deadline can resume it later. */
  shouldPause?: () => boolean;
  onProgress?: (report: ImportReport) => void;
}

const maxIssuesReported = 100;

/** Rows written at once: events go 100 to a request, customers a few dozen at a time. */
const chunkRows = 500;
const customersInParallel = 25;

/**
 * Primary course: read the rows twice. The first pass validates every row and writes nothing if
 * any is wrong (naming up to 100 problems by row); the second writes the events, 100 at a time,
 * and the customers' traits. The stream handler then applies the events exactly as it applies
 * events from the API. Every write is idempotent, so a resumed or repeated import counts nothing twice.
 */
export async function importHistory(
  deps: ImportDeps,
  settings: ShopSettings,
  rows: () => AsyncIterable<unknown>,
  options: ImportOptions,
): Promise<ImportReport> {
  const { now } = options;
  if (options.resumeAt === undefined) await validateAll(settings, rows, now);

  const report: ImportReport = { rows: 0, accepted: 0, duplicates: 0, customers: 0 };
  let pendingEvents: unknown[] = [];
  let pendingCustomers = new Map<string, CustomerTraits>();
  let pendingRows = 0;
  const flush = async () => {
    // Customers first: an order naming a customer by phone then finds the shop's id for it.
    for (const part of chunk([...pendingCustomers], customersInParallel)) {
      await Promise.all(
        part.map(([customerId, traits]) => importCustomer(deps.customers, settings, customerId, traits)),
      );
    }
    // A row repeated in the file is a duplicate like any event sent twice, not an error.
    const unique = new Map(pendingEvents.map((e) => [(e as { id: string }).id, e]));
    report.duplicates += pendingEvents.length - unique.size;
    const events = normalizeBatch([...unique.values()], settings, now, (i) => ['event', i]);
    const results = await Promise.all(chunk(events, 100).map((part) => deps.events.append(part)));
    for (const r of results) {
      report.accepted += r.accepted;
      report.duplicates += r.duplicates;
    }
    report.customers += pendingCustomers.size;
    report.rows += pendingRows;
    pendingEvents = [];
    pendingCustomers = new Map();
    pendingRows = 0;
    options.onProgress?.(report);
  };
  let index = 0;
  const resumeAt = options.resumeAt ?? 0;
  for await (const raw of rows()) {
    if (index < resumeAt) {
      index += 1;
      report.rows += 1;
      continue;
    }
    const row = rowOf(raw, index, settings);
    if (row.kind === 'events') pendingEvents.push(...row.events);
    else pendingCustomers.set(row.customerId, row.traits);
    pendingRows += 1;
    index += 1;
    if (pendingRows >= chunkRows) {
      await flush();
      if (options.shouldPause?.()) return { ...report, resumeAt: index };
    }
  }
  if (pendingRows > 0) await flush();
  return report;
}

async function validateAll(
  settings: ShopSettings,
  rows: () => AsyncIterable<unknown>,
  now: Date,
): Promise<void> {
  const issues: FieldIssue[] = [];
  let index = 0;
  for await (const raw of rows()) {
    try {
      const row = rowOf(raw, index, settings);
      if (row.kind === 'events') normalizeBatch(row.events, settings, now, () => ['row', index]);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues.map((i) => ({ ...i, index })));
      if (issues.length >= maxIssuesReported) break;
    }
    index += 1;
  }
  if (issues.length > 0) throw new ValidationError(issues.slice(0, maxIssuesReported));
}

/** The traits a row carries, merged over what the customer has (an import adds, it does not erase). */
async function importCustomer(
  deps: ChangeDeps,
  settings: ShopSettings,
  customerId: string,
  traits: CustomerTraits,
): Promise<void> {
  const present = Object.fromEntries(Object.entries(traits).filter(([, v]) => v !== undefined));
  await changeCustomer(deps, {
    settings,
    customerId,
    identities: identitiesOf({ phone: traits.phone, email: traits.email }),
    events: [] as StoredEvent[],
    patchTraits: (current: Traits) => ({ ...current, ...present }),
  });
}
