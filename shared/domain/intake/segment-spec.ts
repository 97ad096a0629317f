import { z } from 'zod';
import { type FieldIssue, ValidationError } from '../errors.js';
import { issuesOf } from '../validation.js';

/**
 * The Segment tracking spec (identify, track, page, batch), as sent by Segment or RudderStack
 * destinations, mapped onto huitou's event model. The envelope keeps Segment's own fields
 * (context, integrations, sentAt…); what huitou reads from it is validated like any event.
 */

const envelope = z.looseObject({
  type: z.enum(['identify', 'track', 'page']),
  messageId: z.string().min(1).max(128),
  timestamp: z.string().optional(),
  userId: z.string().min(1).max(128).optional(),
  anonymousId: z.string().optional(),
  traits: z.record(z.string(), z.unknown()).optional(),
  event: z.string().optional(),
  name: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  context: z
    .looseObject({
      traits: z.record(z.string(), z.unknown()).optional(),
      page: z.looseObject({ url: z.string().optional() }).optional(),
    })
    .optional(),
});
type Message = z.infer<typeof envelope>;

/** A Segment batch carries up to as many messages as POST /v1/events carries events. */
const maxMessagesPerBatch = 100;
const batchSchema = z.looseObject({ batch: z.array(z.unknown()).min(1).max(maxMessagesPerBatch) });

type Props = Record<string, unknown>;

function productsToItems(products: unknown): unknown {
  if (!Array.isArray(products)) return products;
  return products.map((p: Props) => ({
    sku: p.sku ?? p.product_id,
    name: p.name,
    category: p.category,
    price: p.price,
    quantity: p.quantity ?? 1,
  }));
}

/** Segment ecommerce event names to huitou events (one Segment event can be two of ours). */
function mapTrack(m: Message): Array<{ suffix: string; type: string; properties: Props }> | null {
  const p: Props = m.properties ?? {};
  switch (m.event) {
    case 'Signed Up':
      return [{ suffix: '', type: 'signed_up', properties: {} }];
    case 'Product Viewed':
      return [
        {
          suffix: '',
          type: 'page_viewed',
          properties: {
            url: p.url ?? m.context?.page?.url,
            sku: p.sku ?? p.product_id,
            category: p.category,
          },
        },
      ];
    case 'Cart Viewed':
      return [
        {
          suffix: '',
          type: 'cart_updated',
          properties: { cartId: p.cart_id, items: productsToItems(p.products ?? []) },
        },
      ];
    case 'Checkout Started':
      return [
        {
          suffix: '',
          type: 'checkout_started',
          properties: { orderId: p.order_id, total: p.total ?? p.revenue, currency: p.currency },
        },
      ];
    case 'Order Completed': {
      const orderId = p.order_id ?? p.checkout_id;
      return [
        {
          suffix: '',
          type: 'order_placed',
          properties: {
            orderId,
            total: p.total ?? p.revenue,
            currency: p.currency,
            items: productsToItems(p.products),
            couponCode: p.coupon,
            discount: p.discount,
            // "Order Completed" is a paid order in the Segment spec: one event, paid when placed.
            paidAt: m.timestamp,
          },
        },
      ];
    }
    case 'Order Refunded':
      return [
        {
          suffix: '',
          type: 'order_refunded',
          properties: { orderId: p.order_id, refundId: m.messageId, amount: p.total ?? p.revenue },
        },
      ];
    case 'Order Cancelled':
      return [{ suffix: '', type: 'order_cancelled', properties: { orderId: p.order_id, reason: p.reason } }];
    default:
      // Events already named in huitou's words pass through unchanged.
      return m.event && /^[a-z_]+$/.test(m.event) ? [{ suffix: '', type: m.event, properties: p }] : null;
  }
}

function withoutUndefined(p: Props): Props {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== null));
}

function identityOf(m: Message): { customerId?: string; phone?: string; email?: string } {
  const traits: Props = { ...m.context?.traits, ...m.traits };
  return withoutUndefined({ customerId: m.userId, phone: traits.phone, email: traits.email }) as ReturnType<
    typeof identityOf
  >;
}

function birthdayOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return match?.[1];
}

/** What a Segment request says in huitou's words, not yet checked as events. */
export interface SegmentTranslation {
  /** Events in the API's shape. */
  events: unknown[];
  /** For each event, the message of the batch it came from (for issue paths). */
  origin: number[];
  /** Traits of `identify` calls, as PUT /v1/customers/{id} takes them. */
  identifies: Array<{ customerId: string; traits: Props }>;
  /** Anonymous messages and track names huitou does not know. */
  ignored: number;
}

/** Maps a Segment request (`kind` is identify, track, page or batch) onto events and traits. */
export function translateSegment(kind: string, body: unknown): SegmentTranslation {
  let raws: unknown[];
  if (kind === 'batch') {
    const parsed = batchSchema.safeParse(body);
    if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
    raws = parsed.data.batch;
  } else if (kind === 'identify' || kind === 'track' || kind === 'page') {
    raws = [{ type: kind, ...(body as object) }];
  } else {
    throw new ValidationError([{ path: 'kind', message: 'one of identify, track, page, batch' }]);
  }
  const issues: FieldIssue[] = [];
  const messages: Message[] = [];
  raws.forEach((raw, index) => {
    const parsed = envelope.safeParse(raw);
    if (parsed.success) messages.push(parsed.data);
    else issues.push(...issuesOf(parsed.error, index, kind === 'batch' ? ['batch', index] : []));
  });
  if (issues.length > 0) throw new ValidationError(issues);

  const out: SegmentTranslation = { events: [], origin: [], identifies: [], ignored: 0 };
  messages.forEach((m, index) => {
    const who = identityOf(m);
    if (!who.customerId && !who.phone && !who.email) {
      out.ignored += 1; // anonymous traffic: nobody to keep a profile for yet
      return;
    }
    if (m.type === 'identify') {
      if (who.customerId) out.identifies.push({ customerId: who.customerId, traits: traitsOf(m) });
      else out.ignored += 1;
      return;
    }
    const events =
      m.type === 'page'
        ? [
            {
              suffix: '',
              type: 'page_viewed',
              properties: {
                url: m.properties?.url ?? m.context?.page?.url,
                category: m.properties?.category,
              },
            },
          ]
        : mapTrack(m);
    if (!events) {
      out.ignored += 1;
      return;
    }
    for (const e of events) {
      out.events.push({
        id: `${m.messageId}${e.suffix}`,
        type: e.type,
        occurredAt: m.timestamp,
        ...who,
        properties: withoutUndefined(e.properties),
      });
      out.origin.push(index);
    }
  });
  return out;
}

function traitsOf(m: Message): Props {
  const traits: Props = m.traits ?? {};
  const name = traits.name ?? ([traits.firstName, traits.lastName].filter(Boolean).join(' ') || undefined);
  return withoutUndefined({
    name,
    phone: traits.phone,
    email: traits.email,
    birthday: birthdayOf(traits.birthday),
  });
}
