/**
 * Which send, if any, an order is credited to. A coupon code a send issued and the order redeemed
 * is proof and wins outright; otherwise the credit goes to the send with the latest touch that was
 * still within its window when the order was placed (an open or a click counts longer than a mere
 * delivery). Attribution says what a message was near; what it caused is the holdout's question.
 */

export type TouchStatus = 'delivered' | 'opened' | 'clicked';

export interface StatusChange {
  status: string;
  at: string;
}

export interface SendForAttribution {
  sendId: string;
  /** When the send was handed to the provider: nothing it did counts before. */
  sentAt: string;
  /** The send's status history as the ledger keeps it; statuses other than touches are ignored. */
  history: readonly StatusChange[];
  /** Coupon codes this send issued. */
  couponCodes?: readonly string[];
}

export interface OrderForAttribution {
  orderId: string;
  placedAt: string;
  /** In the shop's currency units, as the order came in. */
  total: number;
  currency?: string;
  couponCode?: string;
}

/** How long after a touch an order still counts; per shop. */
export interface AttributionWindow {
  afterEngagementDays: number;
  afterDeliveryDays: number;
}

export const defaultAttributionWindow: AttributionWindow = { afterEngagementDays: 5, afterDeliveryDays: 1 };

export interface Attribution {
  orderId: string;
  sendId: string;
  by: 'coupon' | TouchStatus;
  /** The touch the credit rests on (for a coupon, when the send went). */
  touchAt: string;
  revenue: number;
  currency?: string;
}

const dayMs = 86_400_000;
const strength: Record<TouchStatus, number> = { delivered: 0, opened: 1, clicked: 2 };
const isTouch = (status: string): status is TouchStatus => status in strength;

function windowMs(status: TouchStatus, window: AttributionWindow): number {
  return (status === 'delivered' ? window.afterDeliveryDays : window.afterEngagementDays) * dayMs;
}

interface Touch {
  sendId: string;
  status: TouchStatus;
  at: number;
}

/** Ordered so the best comes last: later, then stronger, then (for a stable answer) the larger send id. */
function better(a: Touch, b: Touch): Touch {
  if (a.at !== b.at) return a.at > b.at ? a : b;
  if (strength[a.status] !== strength[b.status]) return strength[a.status] > strength[b.status] ? a : b;
  return a.sendId > b.sendId ? a : b;
}

export function attributeOrder(
  order: OrderForAttribution,
  sends: readonly SendForAttribution[],
  window: AttributionWindow = defaultAttributionWindow,
): Attribution | null {
  const placed = Date.parse(order.placedAt);
  const credit = (sendId: string, by: Attribution['by'], touchAt: string): Attribution => ({
    orderId: order.orderId,
    sendId,
    by,
    touchAt,
    revenue: order.total,
    ...(order.currency === undefined ? {} : { currency: order.currency }),
  });

  const code = order.couponCode?.trim().toLowerCase();
  if (code) {
    // Codes are unique per send; if a code were reused, the latest send before the order issued it.
    const issuers = sends
      .filter(
        (s) => Date.parse(s.sentAt) <= placed && s.couponCodes?.some((c) => c.trim().toLowerCase() === code),
      )
      .sort((a, b) => Date.parse(b.sentAt) - Date.parse(a.sentAt) || (a.sendId < b.sendId ? 1 : -1));
    const issuer = issuers[0];
    if (issuer) return credit(issuer.sendId, 'coupon', issuer.sentAt);
  }

  let best: Touch | null = null;
  for (const send of sends) {
    const sentAt = Date.parse(send.sentAt);
    for (const { status, at } of send.history) {
      if (!isTouch(status)) continue;
      const t = Date.parse(at);
      if (t < sentAt || t > placed || placed - t > windowMs(status, window)) continue;
      const touch = { sendId: send.sendId, status, at: t };
      best = best ? better(best, touch) : touch;
    }
  }
  return best && credit(best.sendId, best.status, new Date(best.at).toISOString());
}
