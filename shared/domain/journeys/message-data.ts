import type { ProductInfo } from '../sending/templates.js';
import type { JourneyEvent } from './triggers.js';

/**
 * What a journey's message tells about the event that started it, in the shape the sender's
 * templates read (`order`, `tierChange`, `products`; send-request.ts): the order and its shipment for
 * the per-order playbooks, the new tier for the tier change notice (its benefits are the shop's,
 * filled in at dispatch), and what the shop said of the products for the cart and browse reminders.
 * Other triggers add nothing.
 *
 * Products are only what the shop's own events said: huitou has no catalogue, so a cross-sell
 * comes from the shop (a request's `crossSell`), never made up here.
 */
export interface TriggerMessageData {
  order?: { id: string; total?: number; currency?: string; carrier?: string; tracking_number?: string };
  tierChange?: { from?: string; to: string; benefits: string[] };
  products?: ProductInfo[];
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The product facts an event's properties (a page view, a cart line) carry, if it names a SKU. */
function productOf(p: Readonly<Record<string, unknown>>): ProductInfo | undefined {
  const sku = text(p.sku);
  if (!sku) return undefined;
  const name = text(p.name);
  const url = text(p.url);
  const imageUrl = text(p.imageUrl);
  const category = text(p.category);
  return {
    sku,
    ...(name ? { name } : {}),
    ...(url ? { url } : {}),
    ...(imageUrl ? { imageUrl } : {}),
    ...(typeof p.price === 'number' ? { price: p.price } : {}),
    ...(category ? { category } : {}),
  };
}

export function messageDataOf(trigger: JourneyEvent): TriggerMessageData {
  const p = trigger.properties;
  if (trigger.type === 'tier_changed') {
    const to = text(p.to);
    if (!to) return {};
    const from = text(p.from);
    return { tierChange: { ...(from ? { from } : {}), to, benefits: [] } };
  }
  if (trigger.type === 'page_viewed') {
    const viewed = productOf(p);
    return viewed ? { products: [viewed] } : {};
  }
  if (trigger.type === 'cart_updated') {
    // The cart as it was first changed; the sender shows the cart as it stands at send time, and
    // takes from here what a line kept in the profile does not say (a cart stored before names were).
    const items = Array.isArray(p.items) ? (p.items as unknown[]) : [];
    const products = items.flatMap((i) =>
      i !== null && typeof i === 'object' ? (productOf(i as Record<string, unknown>) ?? []) : [],
    );
    return products.length > 0 ? { products } : {};
  }
  const id = text(p.orderId);
  if (!id) return {};
  const carrier = text(p.carrier);
  const trackingNumber = text(p.trackingNumber);
  const currency = text(p.currency);
  return {
    order: {
      id,
      ...(typeof p.total === 'number' ? { total: p.total } : {}),
      ...(currency ? { currency } : {}),
      ...(carrier ? { carrier } : {}),
      ...(trackingNumber ? { tracking_number: trackingNumber } : {}),
    },
  };
}
