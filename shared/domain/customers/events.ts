import { z } from 'zod';

/**
 * The event model: what a shop sends (through POST /v1/events, the Segment-compatible route, or an
 * import) and what huitou emits itself (tier_changed, segment_entered / segment_left). One schema
 * serves every intake.
 */

const money = z
  .number()
  .nonnegative()
  .max(1e9)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimal places');
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as CNY or USD');
const text = (max: number) => z.string().min(1).max(max);

export const lineItemSchema = z.strictObject({
  sku: text(128),
  name: text(256).optional(),
  category: text(128).optional(),
  price: money,
  quantity: z.number().int().positive().max(100000),
  /** The product's page and picture, for "continue your order" (shown when the shop sends them). */
  url: text(2048).optional(),
  imageUrl: text(2048).optional(),
});

const propertySchemas = {
  signed_up: z.strictObject({ channel: text(64).optional(), referrer: text(512).optional() }),
  // A product page may name its product, picture and price, for the browse-abandonment message.
  page_viewed: z.strictObject({
    url: text(2048),
    sku: text(128).optional(),
    category: text(128).optional(),
    name: text(256).optional(),
    imageUrl: text(2048).optional(),
    price: money.optional(),
  }),
  // Line counts are bounded by the request size (1 MB), not by a count a wholesale order exceeds.
  cart_updated: z.strictObject({ cartId: text(128).optional(), items: z.array(lineItemSchema) }),
  checkout_started: z.strictObject({
    cartId: text(128).optional(),
    orderId: text(128).optional(),
    total: money.optional(),
    currency: currency.optional(),
  }),
  order_placed: z.strictObject({
    orderId: text(128),
    total: money,
    currency,
    items: z.array(lineItemSchema).min(1),
    couponCode: text(64).optional(),
    discount: money.optional(),
    /** An order reported already paid (an imported order, Segment's "Order Completed"): no order_paid needed. */
    paidAt: z.iso.datetime({ offset: true }).optional(),
    /** Set by huitou when it stores a summary of a long order: how many lines the order had. */
    lineCount: z.number().int().positive().optional(),
  }),
  order_paid: z.strictObject({ orderId: text(128), amount: money.optional(), method: text(64).optional() }),
  order_shipped: z.strictObject({ orderId: text(128), carrier: text(128), trackingNumber: text(128) }),
  /**
   * Called off before it was fulfilled (Segment's "Order Cancelled"). A paid order cancelled gets
   * its money back: it leaves the customer's spend (and any conversion it made) at once, and an
   * order_refunded the shop reports for it as well changes nothing more.
   */
  order_cancelled: z.strictObject({ orderId: text(128), reason: text(512).optional() }),
  /**
   * Where a shipped parcel is, one event per carrier update. One type with a status rather than a
   * type per stage: carriers' tracking webhooks (and Shopify's fulfillment events) report a status
   * code on one stream, so a shop forwards them with one mapping, and a stage added later is a new
   * status, not a new event type. Segment's e-commerce spec names no delivery events to follow.
   * `city`: where it arrived, for arrived_in_city.
   */
  order_delivery_updated: z.strictObject({
    orderId: text(128),
    status: z.enum(['arrived_in_city', 'out_for_delivery', 'delivered']),
    city: text(128).optional(),
  }),
  order_refunded: z.strictObject({
    orderId: text(128),
    refundId: text(128),
    amount: money,
    reason: text(512).optional(),
  }),
  review_posted: z.strictObject({
    orderId: text(128).optional(),
    sku: text(128).optional(),
    rating: z.number().int().min(1).max(5),
    text: text(4000).optional(),
  }),
  complaint_filed: z.strictObject({ orderId: text(128).optional(), reason: text(4000) }),
  message_delivered: z.strictObject({ sendId: text(128) }),
  message_opened: z.strictObject({ sendId: text(128) }),
  message_clicked: z.strictObject({ sendId: text(128), url: text(2048).optional() }),
  message_bounced: z.strictObject({ sendId: text(128), bounceType: z.enum(['permanent', 'transient']) }),
  message_complained: z.strictObject({ sendId: text(128) }),
  unsubscribed: z.strictObject({
    channel: z.enum(['email', 'sms']),
    purpose: z.enum(['marketing', 'care']).optional(),
  }),
} as const;

/** Types a shop may send. The emitted types below are huitou's only. */
export const shopEventTypes = Object.keys(propertySchemas) as Array<keyof typeof propertySchemas>;
export type ShopEventType = keyof typeof propertySchemas;

export const tierChangedPropertiesSchema = z.strictObject({ from: z.string().nullable(), to: z.string() });
/** A live segment the customer entered or left, by the id journeys' segment triggers name. */
export const segmentMovePropertiesSchema = z.strictObject({ segment: text(128) });

/**
 * Traits whose change huitou announces with a `traits_changed` event: those that schedule something
 * (a birthday's date pointer, on the customer's clock), so the change reaches journeys through the
 * stream as events do. Other trait changes are read when something else happens.
 */
export const announcedTraits = ['birthday', 'timeZone'] as const;
export const traitsChangedPropertiesSchema = z.strictObject({
  traits: z.array(z.enum(announcedTraits)).min(1),
});

/** What huitou emits itself, by type: never counted as something the customer did. */
export const emittedPropertySchemas = {
  tier_changed: tierChangedPropertiesSchema,
  segment_entered: segmentMovePropertiesSchema,
  segment_left: segmentMovePropertiesSchema,
  traits_changed: traitsChangedPropertiesSchema,
} as const;
export type EmittedEventType = keyof typeof emittedPropertySchemas;
export const emittedEventTypes = Object.keys(emittedPropertySchemas) as EmittedEventType[];

const customerRef = {
  customerId: text(128).optional(),
  phone: text(32).optional(),
  email: z.email().max(254).optional(),
};

const common = {
  id: text(128),
  occurredAt: z.iso.datetime({ offset: true }),
  ...customerRef,
};

function eventVariant<T extends ShopEventType>(type: T) {
  return z.strictObject({ ...common, type: z.literal(type), properties: propertySchemas[type] });
}

const variants = shopEventTypes.map((t) => eventVariant(t));

export const shopEventSchema = z
  .discriminatedUnion('type', variants as unknown as [ReturnType<typeof eventVariant<'signed_up'>>])
  .refine((e) => e.customerId || e.phone || e.email, {
    message: 'an event needs customerId, phone or email',
    path: ['customerId'],
  });

type VariantOf<T extends ShopEventType> = {
  id: string;
  type: T;
  occurredAt: string;
  customerId?: string;
  phone?: string;
  email?: string;
  properties: z.infer<(typeof propertySchemas)[T]>;
};

/** An event as a shop sends it (before identity normalisation). */
export type ShopEvent = { [T in ShopEventType]: VariantOf<T> }[ShopEventType];
export type LineItem = z.infer<typeof lineItemSchema>;

/**
 * An event as huitou stores it: the customer reference normalised, plus the events huitou emits.
 * `occurredAt` is normalised to UTC ISO so it sorts as text.
 */
export type StoredEvent = (ShopEvent & { shopId: string; receivedAt: string }) | EmittedEvent;

/** An event huitou emits, always under the customer id it resolved. */
export type EmittedEvent = {
  [T in EmittedEventType]: {
    shopId: string;
    id: string;
    type: T;
    occurredAt: string;
    receivedAt: string;
    customerId: string;
    phone?: undefined;
    email?: undefined;
    properties: z.infer<(typeof emittedPropertySchemas)[T]>;
  };
}[EmittedEventType];

export type EventType = StoredEvent['type'];

/** Raw browsing expires (shop-configurable); orders, messages and the rest are kept. */
export const browsingEventTypes: ReadonlySet<EventType> = new Set([
  'page_viewed',
  'cart_updated',
  'checkout_started',
]);

/** How far ahead of the server clock an occurredAt may be before it is called nonsense. */
export const maxClockSkewMs = 5 * 60 * 1000;
/** Nothing a shop sends predates this; older timestamps are typos (1970, 0001). */
export const earliestOccurredAt = Date.parse('2000-01-01T00:00:00Z');

/** Lines of an order or cart kept when it is stored: the largest by amount. */
export const storedLinesPerOrder = 30;

/**
 * What is stored of a long order or cart: lines of the same SKU added up, the largest by amount
 * kept, names dropped past the limit, and the original line count. A wholesale order of 5,000
 * lines stores like one of thirty; totals and the order's own facts are untouched.
 */
export function summarizeLines(items: LineItem[]): { items: LineItem[]; lineCount?: number } {
  if (items.length <= storedLinesPerOrder) return { items };
  const bySku = new Map<string, LineItem>();
  for (const item of items) {
    const seen = bySku.get(item.sku);
    if (seen) seen.quantity += item.quantity;
    else
      bySku.set(item.sku, {
        sku: item.sku,
        category: item.category,
        price: item.price,
        quantity: item.quantity,
      });
  }
  const kept = [...bySku.values()]
    .sort((a, b) => b.price * b.quantity - a.price * a.quantity || (a.sku < b.sku ? -1 : 1))
    .slice(0, storedLinesPerOrder);
  return { items: kept, lineCount: items.length };
}

/** The stored form of an event's properties: long orders and carts summarised (see summarizeLines). */
export function storedProperties(event: StoredEvent): StoredEvent {
  if (event.type === 'order_placed' || event.type === 'cart_updated') {
    const { items, lineCount } = summarizeLines(event.properties.items);
    if (lineCount === undefined) return event;
    return {
      ...event,
      properties: { ...event.properties, items, ...(event.type === 'order_placed' ? { lineCount } : {}) },
    } as StoredEvent;
  }
  return event;
}
