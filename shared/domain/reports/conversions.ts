import type { OrderFacts } from '../customers/profile.js';
import {
  type AttributionWindow,
  attributeOrder,
  defaultAttributionWindow,
  type OrderForAttribution,
  type SendForAttribution,
} from '../sending/attribution.js';
import type { Conversion, SendRecord } from '../sending/send-request.js';

/**
 * What one paid order converts. The credit goes where attributeOrder says (a coupon the order
 * redeemed, else the latest touch still in its window). Beside the credit, every other send and
 * every withheld record of the customer requested within the engagement window before the order is
 * marked `window`: that is the rule the treated arm and the holdout are compared on, the same for
 * both, since a holdout customer has no touches to credit. Attributed revenue sums credits only.
 */

const dayMs = 86_400_000;

/** How far back a customer's sends are read: a send opened late may be older than the window itself. */
export const attributionLookbackDays = 30;

export interface ConversionMark {
  sendId: string;
  conversion: Conversion;
}

export function isTracked(record: Pick<SendRecord, 'sentAt' | 'status'>): boolean {
  return record.sentAt !== undefined || record.status === 'withheld';
}

/**
 * What of an order went back, in minor units: all of it once the shop cancelled it, else its refunds
 * (never more than it came to); undefined while nothing did.
 */
export function returnedOf(facts: Pick<OrderFacts, 'cancelledAt' | 'total' | 'refunds'>): number | undefined {
  const total = facts.total ?? 0;
  if (facts.cancelledAt) return total;
  const refunds = Object.values(facts.refunds);
  if (refunds.length === 0) return undefined;
  return Math.min(
    total,
    refunds.reduce((sum, r) => sum + r, 0),
  );
}

/** The records an order converted that do not yet say what of it went back (`returned`, currency units). */
export function revisionsOfOrder(
  orderId: string,
  returned: number,
  records: readonly SendRecord[],
): string[] {
  return records
    .filter((r) => r.conversion?.orderId === orderId && r.conversion.returned !== returned)
    .map((r) => r.sendId);
}

export function conversionsOfOrder(
  order: OrderForAttribution & { customerId: string; returned?: number },
  records: readonly SendRecord[],
  window: AttributionWindow = defaultAttributionWindow,
): ConversionMark[] {
  const placed = Date.parse(order.placedAt);
  const sent: SendForAttribution[] = records.flatMap((r) =>
    r.sentAt === undefined
      ? []
      : [
          {
            sendId: r.sendId,
            sentAt: r.sentAt,
            history: r.history,
            couponCodes: r.couponCode ? [r.couponCode] : [],
          },
        ],
  );
  const conversion = (by: Conversion['by']): Conversion => ({
    orderId: order.orderId,
    revenue: order.total,
    ...(order.currency === undefined ? {} : { currency: order.currency }),
    at: order.placedAt,
    by,
    ...(order.returned === undefined ? {} : { returned: order.returned }),
  });
  const credit = attributeOrder(order, sent, window);
  const marks: ConversionMark[] = credit
    ? [{ sendId: credit.sendId, conversion: conversion(credit.by) }]
    : [];
  const from = placed - window.afterEngagementDays * dayMs;
  const seen = new Set(marks.map((m) => m.sendId));
  for (const r of records) {
    const requested = Date.parse(r.requestedAt);
    if (seen.has(r.sendId) || r.customerId !== order.customerId || !isTracked(r)) continue;
    if (requested < from || requested > placed) continue;
    seen.add(r.sendId);
    marks.push({ sendId: r.sendId, conversion: conversion('window') });
  }
  return marks;
}
