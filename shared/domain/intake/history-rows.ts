import { z } from 'zod';
import { type CustomerTraits, customerIdSchema, parseTraits } from '../customers/traits.js';
import { ValidationError } from '../errors.js';
import type { ShopSettings } from '../shops/shop.js';
import { issuesOf } from '../validation.js';

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

export type Row =
  | { kind: 'events'; events: unknown[] }
  | { kind: 'customer'; customerId: string; traits: CustomerTraits };

export function rowOf(raw: unknown, index: number, settings: ShopSettings): Row {
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
  // A paid order row is one event: the order placed, with the time it was paid.
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
        ...(r.paidAt ? { paidAt: r.paidAt } : {}),
      },
    },
  ];
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
