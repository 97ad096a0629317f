import { fromMinorUnits } from '../customers/money.js';
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

/** How much further back than its window a customer's sends are read: a send may be opened long after it went. */
export const attributionLookbackDays = 30;

/** How far back before an order a customer's sends are read, for the shop's window. */
export const lookbackDaysOf = (window: AttributionWindow): number =>
  attributionLookbackDays + Math.max(window.afterEngagementDays, window.afterDeliveryDays);

export interface ConversionMark {
  sendId: string;
  conversion: Conversion;
}

export function isTracked(record: Pick<SendRecord, 'sentAt' | 'status'>): boolean {
  return record.sentAt !== undefined || record.status === 'withheld';
}

/** What went back of an order: whether the shop cancelled it, and its refunds (currency units). */
export interface OrderReturns {
  cancelled: boolean;
  refunded: number;
}

/** The order's returns from its facts; null while nothing went back. */
export function returnsOf(facts: Pick<OrderFacts, 'cancelledAt' | 'refunds'>): OrderReturns | null {
  const refunded = Object.values(facts.refunds).reduce((sum, r) => sum + r, 0);
  if (!facts.cancelledAt && refunded <= 0) return null;
  return { cancelled: Boolean(facts.cancelledAt), refunded: fromMinorUnits(refunded) };
}

/**
 * What went back of a conversion of `revenue`: all of it once the order is cancelled (whatever the
 * order's total says now), else its refunds, never more than it brought; none of a free order's.
 */
export function returnedFor(revenue: number, returns: OrderReturns): number | undefined {
  if (returns.cancelled) return revenue;
  if (revenue === 0) return undefined;
  return Math.min(revenue, returns.refunded);
}

/** The records an order converted that do not yet say what of it went back, with what they should say. */
export function revisionsOfOrder(
  orderId: string,
  returns: OrderReturns,
  records: readonly SendRecord[],
): Array<{ sendId: string; returned: number }> {
  return records.flatMap((r) => {
    const c = r.conversion;
    if (c?.orderId !== orderId) return [];
    const returned = returnedFor(c.revenue, returns);
    return returned === undefined || returned === c.returned ? [] : [{ sendId: r.sendId, returned }];
  });
}

export function conversionsOfOrder(
  order: OrderForAttribution & {
    customerId: string;
    /** Ids merged into the customer: their sends are the customer's too. */
    formerIds?: readonly string[];
    returned?: number;
  },
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
  const own = new Set([order.customerId, ...(order.formerIds ?? [])]);
  const seen = new Set(marks.map((m) => m.sendId));
  for (const r of records) {
    const requested = Date.parse(r.requestedAt);
    if (seen.has(r.sendId) || !own.has(r.customerId) || !isTracked(r)) continue;
    if (requested < from || requested > placed) continue;
    seen.add(r.sendId);
    marks.push({ sendId: r.sendId, conversion: conversion('window') });
  }
  return marks;
}
