import { z } from 'zod';
import { chunk } from '../domain/collections.js';
import { type FieldIssue, ValidationError } from '../domain/errors.js';
import type { ShopSettings } from '../domain/shop.js';
import type { EventStore } from '../ports/event-store.js';
import { issuesOf, normalizeBatch } from './ingest-events.js';

/**
 * A shop's order history: one row per order (or any event in the API's own shape). Each order row
 * becomes the events the shop would have sent (order_placed, order_paid, order_refunded) with ids
 * derived from the order id, so importing twice, or also sending the orders through the API, never
 * counts an order twice (orders are facts by id).
 */
const number = z.union([z.number(), z.string().trim().min(1).transform(Number)]).pipe(z.number());
const optionalText = z
  .string()
  .trim()
  .max(256)
  .optional()
  .transform((v) => (v ? v : undefined));

export const orderRowSchema = z.object({
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

function eventsOfRow(raw: unknown, index: number): unknown[] {
  if (raw && typeof raw === 'object' && 'type' in raw) return [raw];
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
}

const maxIssuesReported = 100;

/**
 * Primary course: read the rows twice. The first pass validates every row and writes nothing if
 * any is wrong (naming up to 100 problems by row); the second writes the events, 100 at a time.
 * The stream handler then applies them exactly as it applies events from the API.
 */
export async function importHistory(
  store: EventStore,
  settings: ShopSettings,
  rows: () => AsyncIterable<unknown>,
  now: Date,
  onProgress: (report: ImportReport) => void = () => undefined,
): Promise<ImportReport> {
  const issues: FieldIssue[] = [];
  let index = 0;
  for await (const row of rows()) {
    try {
      normalizeBatch(eventsOfRow(row, index), settings, now, () => ['row', index]);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues.map((i) => ({ ...i, index })));
      if (issues.length >= maxIssuesReported) break;
    }
    index += 1;
  }
  if (issues.length > 0) throw new ValidationError(issues.slice(0, maxIssuesReported));

  const report: ImportReport = { rows: 0, accepted: 0, duplicates: 0 };
  let pending: unknown[] = [];
  const flush = async () => {
    // A row repeated in the file is a duplicate like any event sent twice, not an error.
    const unique = new Map(pending.map((e) => [(e as { id: string }).id, e]));
    report.duplicates += pending.length - unique.size;
    const events = normalizeBatch([...unique.values()], settings, now, (i) => ['event', i]);
    pending = [];
    const results = await Promise.all(chunk(events, 100).map((part) => store.append(part)));
    for (const r of results) {
      report.accepted += r.accepted;
      report.duplicates += r.duplicates;
    }
    onProgress(report);
  };
  for await (const row of rows()) {
    pending.push(...eventsOfRow(row, report.rows));
    report.rows += 1;
    if (pending.length >= 1000) await flush();
  }
  if (pending.length > 0) await flush();
  return report;
}
