import { defaultShopSettings, type ShopSettings } from '../../shared/domain/shops/shop.js';

/**
 * Events as a shop sends them, with ids derived from what they say: the same call gives the same
 * event, so a test can send it again (a replay) or to another world (the same history elsewhere).
 */
export type Who = { customerId?: string; phone?: string; email?: string };

export function teaShop(overrides: Partial<ShopSettings> = {}): ShopSettings {
  return { ...defaultShopSettings('tea', 'Tea House', '2026-01-01T00:00:00.000Z'), ...overrides };
}

const ref = (who: Who) => who.customerId ?? who.phone ?? who.email ?? 'nobody';

export function placed(
  who: Who,
  orderId: string,
  total: number,
  at: string,
  extra: { coupon?: string; category?: string; lines?: number; paidAt?: string } = {},
) {
  const lines = extra.lines ?? 1;
  return {
    id: `${ref(who)}:${orderId}:placed`,
    type: 'order_placed',
    occurredAt: at,
    ...who,
    properties: {
      orderId,
      total,
      currency: 'CNY',
      items: Array.from({ length: lines }, (_, i) => ({
        sku: `sku-${orderId}-${i}`,
        name: 'Longjing green tea 250g',
        category: extra.category ?? 'tea',
        price: Math.round((total / lines) * 100) / 100,
        quantity: 1,
      })),
      ...(extra.coupon ? { couponCode: extra.coupon } : {}),
      ...(extra.paidAt ? { paidAt: extra.paidAt } : {}),
    },
  };
}

export function paid(who: Who, orderId: string, at: string) {
  return {
    id: `${ref(who)}:${orderId}:paid`,
    type: 'order_paid',
    occurredAt: at,
    ...who,
    properties: { orderId },
  };
}

export function refunded(who: Who, orderId: string, amount: number, at: string) {
  return {
    id: `${ref(who)}:${orderId}:refund`,
    type: 'order_refunded',
    occurredAt: at,
    ...who,
    properties: { orderId, refundId: `rf-${orderId}`, amount },
  };
}

export function viewed(who: Who, sku: string, at: string) {
  return {
    id: `${ref(who)}:view:${sku}:${at}`,
    type: 'page_viewed',
    occurredAt: at,
    ...who,
    properties: { url: `https://shop.example/p/${sku}`, sku, category: 'tea' },
  };
}

export function cartUpdated(who: Who, skus: string[], at: string) {
  return {
    id: `${ref(who)}:cart:${at}`,
    type: 'cart_updated',
    occurredAt: at,
    ...who,
    properties: { items: skus.map((sku) => ({ sku, price: 38, quantity: 1 })) },
  };
}

export function bounced(who: Who, sendId: string, at: string) {
  return {
    id: `${ref(who)}:bounce:${sendId}`,
    type: 'message_bounced',
    occurredAt: at,
    ...who,
    properties: { sendId, bounceType: 'permanent' },
  };
}

/** A paid order: placed, then paid a minute later. */
export function paidOrder(who: Who, orderId: string, total: number, at: string) {
  const paidAt = new Date(Date.parse(at) + 60_000).toISOString();
  return [placed(who, orderId, total, at), paid(who, orderId, paidAt)];
}
