import { z } from 'zod';
import type { Profile } from '../../domain/customers/profile.js';
import {
  clickUrl,
  defaultClickLinkDays,
  defaultUnsubscribeLinkDays,
  isAllowedDestination,
  type LinkSecrets,
  listUnsubscribeHeaders,
  unsubscribeUrl,
} from '../../domain/sending/links.js';
import { PermanentSendError, ThrottledError } from '../../domain/sending/messages.js';
import { addressOf, consentPurpose, localeFor, skipReason } from '../../domain/sending/screening.js';
import type { SendRecord, SendRequest } from '../../domain/sending/send-request.js';
import { fromHeader } from '../../domain/sending/sending-settings.js';
import { chooseTemplate } from '../../domain/sending/template-choice.js';
import {
  type MessageContext,
  messageContext,
  type ProductInfo,
  type RenderedMessage,
  renderTemplate,
} from '../../domain/sending/templates.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type {
  EmailChannel,
  SendRecordWriter,
  ShopSendingStore,
  SmsChannel,
  TemplateStore,
} from '../../ports/sending/messaging.js';

export interface LinkSettings {
  secrets: LinkSecrets;
  /** The public click redirect, e.g. https://t.example/r */
  clickBaseUrl: string;
  /** The public unsubscribe page and one-click endpoint, e.g. https://t.example/u */
  unsubscribeBaseUrl: string;
}

export interface SenderDeps {
  records: SendRecordWriter;
  profiles: { get(shopId: string, customerId: string): Promise<Profile | null> };
  shops: { getShop(shopId: string): Promise<ShopSettings | null> };
  sending: Pick<ShopSendingStore, 'get'>;
  templates: Pick<TemplateStore, 'get'>;
  email: EmailChannel;
  sms: SmsChannel;
  links: LinkSettings;
  clock: () => Date;
  /** How long a claim holds: longer than one attempt can run, so only a dead attempt's claim is taken over. */
  leaseMs?: number;
}

/** Five minutes: far beyond the sender's 30 s timeout, and time for SES's Send event to arrive. */
export const defaultLeaseMs = 300_000;

export type SendOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'withheld' | 'skipped' | 'failed'; reason: string }
  /** Settled by an earlier attempt (or by SES's Send event): nothing done. */
  | { status: 'duplicate' };

/** Another attempt holds the send's lease: the queue must redeliver later. */
export class SendInFlight extends Error {
  override name = 'SendInFlight';
}

/** A product as far as it is known: a journey knows only what the shop's events said of it. */
const productSchema = z.object({
  sku: z.string(),
  name: z.string().optional(),
  url: z.string().optional(),
  imageUrl: z.string().optional(),
  price: z.number().optional(),
  category: z.string().optional(),
});

/** What a request's `data` may give the template; anything else in it is ignored. */
const dataSchema = z.object({
  locale: z.string().optional(),
  products: z.array(productSchema).optional(),
  crossSell: z.array(z.string()).optional(),
  coupon: z
    .object({ code: z.string(), description: z.string().optional(), expires_on: z.string().optional() })
    .optional(),
  order: z.looseObject({ id: z.string() }).optional(),
  tierChange: z.looseObject({ to: z.string(), benefits: z.array(z.string()) }).optional(),
  offer: z.looseObject({}).optional(),
  occasion: z.object({ name: z.string() }).optional(),
});

/**
 * List-Unsubscribe and the RFC 8058 one-click header, which needs HTTPS: over plain HTTP (the local
 * stack) only List-Unsubscribe goes.
 */
function unsubscribeHeaders(url: string): Record<string, string> {
  return url.startsWith('https:') ? listUnsubscribeHeaders(url) : { 'List-Unsubscribe': `<${url}>` };
}

/** The record a request starts as. */
export function recordOf(request: SendRequest): SendRecord {
  const { intent } = request;
  const coupon = request.data?.coupon as
    | { code?: unknown; ruleId?: unknown; validUntil?: unknown }
    | undefined;
  return {
    sendId: request.sendId,
    shopId: intent.shopId,
    customerId: intent.customerId,
    source: intent.source,
    step: intent.step,
    occurrence: intent.occurrence,
    channel: request.channel,
    purpose: request.purpose,
    templateId: request.templateId,
    status: 'sending',
    history: [],
    requestedAt: request.requestedAt,
    ...(typeof coupon?.code === 'string' ? { couponCode: coupon.code } : {}),
    // What the checkout and redemption check the code against (coupons.ts redeem).
    ...(typeof coupon?.ruleId === 'string' ? { couponRuleId: coupon.ruleId } : {}),
    ...(typeof coupon?.validUntil === 'string' ? { couponValidUntil: coupon.validUntil } : {}),
  };
}

const dayMs = 86_400_000;

export interface RenderInput {
  request: SendRequest;
  shop: ShopSettings;
  sending: { allowedHosts: string[]; url?: string };
  profile: Profile;
  templates: Pick<TemplateStore, 'get'>;
  links: LinkSettings;
  now: Date;
  /** A preview: its links work but record nothing (no click, no visit, no unsubscribe). */
  preview?: boolean;
}

export type Rendering =
  | { ok: true; message: RenderedMessage; unsubscribeUrl: string }
  | { ok: false; reason: string };

/**
 * A request's message for one customer: the shop's template (or the playbook's default) in the
 * customer's locale, with their profile, signed unsubscribe and click links. The preview route uses
 * it too, so what a shop previews is what the sender sends.
 */
export async function renderRequest(input: RenderInput): Promise<Rendering> {
  const { request, shop, sending, profile, links, now } = input;
  const preview = input.preview ? { preview: true } : {};
  const { shopId, customerId } = request.intent;
  const data = dataSchema.safeParse(request.data ?? {});
  if (!data.success)
    return { ok: false, reason: `bad-data: ${data.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  const locale = localeFor(data.data.locale, shop.defaultRegion);
  const saved = await input.templates.get(shopId, request.templateId);
  const template = chooseTemplate(saved?.variants ?? null, request.templateId, request.channel, locale);
  if (!template) return { ok: false, reason: `unknown-template: ${request.templateId} (${request.channel})` };
  const oneClick = unsubscribeUrl(
    links.unsubscribeBaseUrl,
    {
      shopId,
      customerId,
      sendId: request.sendId,
      channel: request.channel,
      purpose: consentPurpose(request.purpose),
      expiresAt: new Date(now.getTime() + defaultUnsubscribeLinkDays * dayMs).toISOString(),
      ...preview,
    },
    links.secrets,
  );
  const linkExpiry = new Date(now.getTime() + defaultClickLinkDays * dayMs).toISOString();
  // Only links to the shop's own hosts are tracked (clickUrl refuses the rest): others go as they are.
  const track = (destination: string) =>
    isAllowedDestination(destination, sending.allowedHosts)
      ? clickUrl(
          links.clickBaseUrl,
          { shopId, sendId: request.sendId, destination, expiresAt: linkExpiry, ...preview },
          links.secrets,
          sending.allowedHosts,
        )
      : destination;
  const d = data.data;
  const context = messageContext({
    shop: { name: shop.name, timeZone: shop.timeZone, ...(sending.url ? { url: sending.url } : {}) },
    profile,
    products: new Map<string, ProductInfo>((d.products ?? []).map((p) => [p.sku, p])),
    crossSell: d.crossSell ?? [],
    ...(d.coupon ? { coupon: d.coupon } : {}),
    ...(d.order ? { order: d.order as MessageContext['order'] } : {}),
    ...(d.tierChange ? { tierChange: d.tierChange as MessageContext['tier_change'] } : {}),
    ...(d.offer ? { offer: d.offer as MessageContext['offer'] } : {}),
    ...(d.occasion ? { occasion: d.occasion } : {}),
    unsubscribeUrl: oneClick,
    track,
    now,
  });
  try {
    return { ok: true, message: renderTemplate(template, context), unsubscribeUrl: oneClick };
  } catch (error) {
    return { ok: false, reason: `rendering: ${(error as Error).message}` };
  }
}

/**
 * Primary course: claim the send (a lease), look once more at consent, suppression and the shop's
 * state, render the template for this customer, mark the hand-over, hand it to SES or SNS, record
 * the provider's id. Every request leaves a record: withheld, skipped with its reason, sent, failed.
 *
 * At most once: the claim is a conditional write on the send id. An attempt that dies holding the
 * claim leaves the record `sending` with a lease; an attempt after the lease takes it over and
 * reconciles: not yet handed over → send; handed over by email → SES's Send event (tracking) would
 * have settled the record as sent within the lease, so none arrived and SES did not accept it → send;
 * handed over by SMS (no provider event to reconcile with) → in doubt, recorded failed, not resent.
 */
export async function sendRequest(deps: SenderDeps, request: SendRequest): Promise<SendOutcome> {
  const now = deps.clock();
  const at = now.toISOString();
  const base = recordOf(request);
  if (request.withheld) {
    const reason = request.withheld.reason;
    const created = await deps.records.settle({
      ...base,
      status: 'withheld',
      reason,
      history: [{ status: 'withheld', at }],
    });
    return created ? { status: 'withheld', reason } : { status: 'duplicate' };
  }
  const claim = await deps.records.claim(
    { ...base, history: [{ status: 'sending', at }] },
    at,
    new Date(now.getTime() + (deps.leaseMs ?? defaultLeaseMs)).toISOString(),
  );
  if (claim.kind === 'leased')
    throw new SendInFlight(`send ${request.sendId} is leased until ${claim.leaseUntil}`);
  if (claim.kind === 'settled') return { status: 'duplicate' };
  const { shopId, customerId } = request.intent;
  const end = async (status: 'skipped' | 'failed', reason: string): Promise<SendOutcome> => {
    await deps.records.complete(shopId, request.sendId, { status, reason }, deps.clock().toISOString());
    return { status, reason };
  };
  if (claim.takenOver && claim.handedAt && request.channel === 'sms')
    return end('failed', 'in-doubt: an earlier attempt may have sent this SMS');

  const [shop, sending, profile] = await Promise.all([
    deps.shops.getShop(shopId),
    deps.sending.get(shopId),
    deps.profiles.get(shopId, customerId),
  ]);
  if (!shop) return end('skipped', 'unknown-shop');
  const skip = skipReason({
    request,
    traits: profile?.traits ?? null,
    shopPaused: Boolean(sending.paused),
    marketingConsent: sending.marketingConsent,
    now,
  });
  if (skip || !profile) return end('skipped', skip ?? 'unknown-customer');
  const rendering = await renderRequest({
    request,
    shop,
    sending,
    profile,
    templates: deps.templates,
    links: deps.links,
    now,
  });
  if (!rendering.ok) return end('failed', rendering.reason);
  const { message } = rendering;
  const to = addressOf(profile.traits, request.channel) as string;

  await deps.records.handOver(shopId, request.sendId, deps.clock().toISOString());
  try {
    const accepted =
      request.channel === 'email'
        ? await deps.email.send({
            sendId: request.sendId,
            shopId,
            to,
            subject: message.subject ?? '',
            html: message.html ?? '',
            text: message.text,
            headers: unsubscribeHeaders(rendering.unsubscribeUrl),
            ...(sending.from ? { from: fromHeader(sending.from) } : {}),
            ...(sending.replyTo?.length ? { replyTo: sending.replyTo } : {}),
          })
        : await deps.sms.send({
            sendId: request.sendId,
            shopId,
            to,
            text: message.text,
            ...(sending.smsMaxPriceUsd === undefined ? {} : { maxPriceUsd: sending.smsMaxPriceUsd }),
          });
    await deps.records.complete(
      shopId,
      request.sendId,
      { status: 'sent', ...accepted },
      deps.clock().toISOString(),
    );
    return { status: 'sent', providerMessageId: accepted.providerMessageId };
  } catch (error) {
    if (error instanceof PermanentSendError) return end('failed', error.message);
    // Throttled: certainly not accepted, so the claim goes back and the queue retries after back-off.
    // Any other error (a timeout may come after SES accepted) leaves the claim in doubt, for the lease.
    if (error instanceof ThrottledError) await deps.records.release(shopId, request.sendId);
    throw error;
  }
}
