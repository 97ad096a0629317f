import type { Channel, Purpose, Traits } from '../customers/profile.js';
import type { SendPurpose, SendRequest } from './send-request.js';
import { type Locale, locales } from './templates.js';

/**
 * The sender's last look before a message goes: what would make it skip the request now, whatever
 * the producer decided when it queued it. Pure: the use case reads the facts and asks.
 */

export type SkipReason =
  | 'expired'
  | 'shop-paused'
  | 'unknown-customer'
  | 'no-address'
  | 'suppressed'
  | 'unsubscribed'
  | 'no-consent';

/** Transactional messages ask the customer's consent for care, marketing ones for marketing. */
export function consentPurpose(purpose: SendPurpose): Purpose {
  return purpose === 'transactional' ? 'care' : 'marketing';
}

export interface ScreenInput {
  request: Pick<SendRequest, 'channel' | 'purpose' | 'expiresAt'>;
  /** Null when there is no such customer (erased, never known). */
  traits: Traits | null;
  shopPaused: boolean;
  marketingConsent: 'opt-in' | 'opt-out';
  now: Date;
}

export function addressOf(traits: Traits, channel: Channel): string | undefined {
  return channel === 'email' ? traits.email : traits.phone;
}

export function skipReason(input: ScreenInput): SkipReason | null {
  const { request, traits } = input;
  if (request.expiresAt !== undefined && Date.parse(request.expiresAt) <= input.now.getTime())
    return 'expired';
  // A paused shop's email stops; its SMS does not depend on its email reputation.
  if (input.shopPaused && request.channel === 'email') return 'shop-paused';
  if (!traits) return 'unknown-customer';
  if (!addressOf(traits, request.channel)) return 'no-address';
  if (traits.suppressed?.[request.channel]) return 'suppressed';
  const consent = traits.consent?.[request.channel]?.[consentPurpose(request.purpose)];
  if (consent === false) return 'unsubscribed';
  if (request.purpose === 'marketing' && consent === undefined && input.marketingConsent === 'opt-in')
    return 'no-consent';
  return null;
}

/** Regions whose customers read Chinese by default. */
const chineseRegions = new Set(['CN', 'TW', 'HK', 'MO', 'SG']);

/** The locale of a message: the request's (the producer knows the customer's), else the shop region's. */
export function localeFor(requested: unknown, shopRegion: string): Locale {
  if (typeof requested === 'string' && (locales as readonly string[]).includes(requested))
    return requested as Locale;
  return chineseRegions.has(shopRegion.toUpperCase()) ? 'zh-CN' : 'en';
}
