import { Liquid } from 'liquidjs';
import type { Profile } from '../customers/profile.js';
import { dayOf } from '../customers/profile.js';

/**
 * Templates at send time: Liquid only. MJML was compiled to HTML when the template was saved
 * (template-compiler.ts), so the send path renders strings and never loads MJML. Variables are not
 * strict: a missing value renders as nothing (templates give fallbacks with `default`), because a
 * customer without a name must still get the message. Values are HTML-escaped in the HTML part and
 * left as they are in the subject and the text part.
 */

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

/** A template as a shop writes and saves it. */
export type TemplateSource =
  | { channel: 'email'; locale: Locale; subject: string; mjml: string }
  | { channel: 'sms'; locale: Locale; text: string };

/** A template as the send path gets it: HTML and text with their Liquid tags intact. */
export type CompiledTemplate =
  | { channel: 'email'; locale: Locale; subject: string; html: string; text: string }
  | { channel: 'sms'; locale: Locale; text: string };

export interface RenderedMessage {
  subject?: string;
  html?: string;
  text: string;
}

/** Shared with the compiler, so what validated on save parses the same at send time. */
export const liquidOptions = {
  strictVariables: false,
  // A misspelt filter is a mistake to report on save, not an empty string to send.
  strictFilters: true,
  ownPropertyOnly: true,
  // A shop's template is input: bound what one render may cost.
  parseLimit: 200_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
} as const;

const htmlLiquid = new Liquid({ ...liquidOptions, outputEscape: 'escape' });
const plainLiquid = new Liquid(liquidOptions);

/** Block tags leave blank and space-only lines in the text part: at most one blank line in a row. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function renderTemplate(template: CompiledTemplate, context: MessageContext): RenderedMessage {
  const plain = (source: string) => plainLiquid.parseAndRenderSync(source, context);
  if (template.channel === 'sms') return { text: tidy(plain(template.text)) };
  return {
    // A subject is one line: whatever a value held, newlines would break the header.
    subject: plain(template.subject).replace(/\s+/g, ' ').trim(),
    html: htmlLiquid.parseAndRenderSync(template.html, context),
    text: tidy(plain(template.text)),
  };
}

/** What is known of a product: at least its SKU, which stands in for a name the shop never sent. */
export interface ProductInfo {
  sku: string;
  name?: string;
  /** Its page; the shop's home page stands in when unknown. */
  url?: string;
  imageUrl?: string;
  /** Currency units. */
  price?: number;
  category?: string;
}

/** What a template can use. Keys are snake_case, as Liquid authors write them. */
export interface MessageContext {
  shop: { name: string; url?: string };
  customer: {
    name?: string;
    tier?: string;
    /** The last day the customer was seen, on the shop's calendar (YYYY-MM-DD). */
    last_visit?: string;
    days_since_last_visit?: number;
  };
  /** The product the customer viewed several times (the most viewed), if any. */
  viewed_product?: ProductContext & { views: number };
  cross_sell: ProductContext[];
  /** The cart left behind, its largest lines. */
  cart?: { items: Array<ProductContext & { quantity: number }>; line_count: number };
  coupon?: { code: string; description?: string; expires_on?: string };
  order?: {
    id: string;
    /** Currency units. */
    total?: number;
    currency?: string;
    pay_url?: string;
    carrier?: string;
    tracking_number?: string;
    tracking_url?: string;
  };
  tier_change?: { from?: string; to: string; benefits: string[] };
  offer?: { threshold?: number; description?: string; ends_on?: string };
  /** A holiday or a sale the message is about. */
  occasion?: { name: string };
  unsubscribe_url: string;
}

interface ProductContext {
  sku: string;
  name: string;
  url: string;
  image_url?: string;
  price?: number;
  category?: string;
}

/** Views from which a product counts as viewed "several times". */
export const severalViews = 3;

export interface ContextInput {
  shop: { name: string; url?: string; timeZone: string };
  profile: Pick<Profile, 'traits' | 'tier' | 'activity'>;
  /** What is known of the products the context names (viewed and cross-sell). */
  products: ReadonlyMap<string, ProductInfo>;
  crossSell?: readonly string[];
  coupon?: MessageContext['coupon'];
  order?: MessageContext['order'];
  tierChange?: MessageContext['tier_change'];
  offer?: MessageContext['offer'];
  occasion?: MessageContext['occasion'];
  unsubscribeUrl: string;
  /**
   * Wraps a link for click tracking (a signed redirect, links.ts): applied to every link in the
   * context but the unsubscribe URL, which must work without a redirect.
   */
  track?: (url: string) => string;
  now: Date;
}

const dayMs = 86_400_000;

/** The context for one customer's message, from their profile and what the sender knows. */
export function messageContext(input: ContextInput): MessageContext {
  const track = input.track ?? ((url: string) => url);
  const { traits, tier, activity } = input.profile;
  const shopUrl = input.shop.url ? track(input.shop.url) : '';
  // A product the sender knows little of still shows: by its SKU, linking to the shop.
  const described = (p: ProductInfo): ProductContext => ({
    sku: p.sku,
    name: p.name ?? p.sku,
    url: p.url ? track(p.url) : shopUrl,
    ...(p.imageUrl ? { image_url: p.imageUrl } : {}),
    ...(p.price === undefined ? {} : { price: p.price }),
    ...(p.category ? { category: p.category } : {}),
  });
  const product = (sku: string): ProductContext | undefined => {
    const p = input.products.get(sku);
    return p && described({ ...p, sku });
  };
  // The most viewed product among those viewed several times; on a tie, the one seen last.
  const [topSku, topViews] =
    Object.entries(activity.productViews)
      .filter(([sku, v]) => v.count >= severalViews && input.products.has(sku))
      .sort(([, a], [, b]) => b.count - a.count || (a.lastAt < b.lastAt ? 1 : -1))
      .map(([sku, v]) => [sku, v.count] as const)[0] ?? [];
  const viewed = topSku === undefined ? undefined : product(topSku);
  const lastSeen = activity.lastSeenAt;
  // The cart as it stands now (the trigger was its first change): what the line itself says
  // (kept in the profile) over what the request knows of the product.
  const cart = activity.cart && {
    items: activity.cart.items.map((line) => {
      const known = input.products.get(line.sku);
      const name = line.name ?? known?.name;
      const url = line.url ?? known?.url;
      const imageUrl = line.imageUrl ?? known?.imageUrl;
      const category = line.category ?? known?.category;
      return {
        ...described({
          sku: line.sku,
          price: line.price,
          ...(name ? { name } : {}),
          ...(url ? { url } : {}),
          ...(imageUrl ? { imageUrl } : {}),
          ...(category ? { category } : {}),
        }),
        quantity: line.quantity,
      };
    }),
    line_count: activity.cart.lineCount,
  };
  const order = input.order && {
    ...input.order,
    ...(input.order.pay_url ? { pay_url: track(input.order.pay_url) } : {}),
    ...(input.order.tracking_url ? { tracking_url: track(input.order.tracking_url) } : {}),
  };
  return {
    shop: { name: input.shop.name, ...(input.shop.url ? { url: track(input.shop.url) } : {}) },
    customer: {
      ...(traits.name ? { name: traits.name } : {}),
      ...(tier ? { tier } : {}),
      ...(lastSeen
        ? {
            last_visit: dayOf(lastSeen, input.shop.timeZone),
            days_since_last_visit: Math.max(
              0,
              Math.floor((input.now.getTime() - Date.parse(lastSeen)) / dayMs),
            ),
          }
        : {}),
    },
    ...(viewed && topViews !== undefined ? { viewed_product: { ...viewed, views: topViews } } : {}),
    cross_sell: (input.crossSell ?? []).flatMap((sku) => product(sku) ?? []),
    ...(cart ? { cart } : {}),
    ...(input.coupon ? { coupon: input.coupon } : {}),
    ...(order ? { order } : {}),
    ...(input.tierChange ? { tier_change: input.tierChange } : {}),
    ...(input.offer ? { offer: input.offer } : {}),
    ...(input.occasion ? { occasion: input.occasion } : {}),
    unsubscribe_url: input.unsubscribeUrl,
  };
}
