/** Real-shaped events, as a shop backend would send them. */
let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;

export function orderPlaced(
  customer: { customerId?: string; phone?: string; email?: string },
  order: { orderId: string; total: number; at: string; coupon?: string; category?: string },
) {
  return {
    id: nextId('evt'),
    type: 'order_placed',
    occurredAt: order.at,
    ...customer,
    properties: {
      orderId: order.orderId,
      total: order.total,
      currency: 'CNY',
      items: [
        {
          sku: `sku-${order.orderId}`,
          name: 'Longjing green tea 250g',
          category: order.category ?? 'tea',
          price: order.total,
          quantity: 1,
        },
      ],
      ...(order.coupon ? { couponCode: order.coupon } : {}),
    },
  };
}

export function orderPaid(customer: { customerId?: string; phone?: string }, orderId: string, at: string) {
  return { id: nextId('evt'), type: 'order_paid', occurredAt: at, ...customer, properties: { orderId } };
}

export function orderRefunded(
  customer: { customerId?: string },
  orderId: string,
  amount: number,
  at: string,
) {
  return {
    id: nextId('evt'),
    type: 'order_refunded',
    occurredAt: at,
    ...customer,
    properties: { orderId, refundId: nextId('rf'), amount },
  };
}

export function pageViewed(
  customer: { customerId?: string; phone?: string },
  sku: string,
  category: string,
  at: string,
) {
  return {
    id: nextId('evt'),
    type: 'page_viewed',
    occurredAt: at,
    ...customer,
    properties: { url: `https://shop.example/p/${sku}`, sku, category },
  };
}
