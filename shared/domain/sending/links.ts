import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel, Purpose } from '../customers/profile.js';

/**
 * Signed, expiring links in messages: the click redirect and the one-click unsubscribe (RFC 8058).
 * A link carries its facts in the query and an HMAC-SHA256 over them, so the endpoints need no
 * lookup to trust it. The click destination must be on the shop's allowed hosts both when the link
 * is made and when it is followed: a redirect to anywhere else is an open redirect, and is refused.
 */

/** The secrets a link may be signed with, current first: links signed with an older one still verify. */
export type LinkSecrets = readonly [current: string, ...previous: string[]];

export type LinkRejection = 'malformed' | 'bad-signature' | 'expired' | 'host-not-allowed';

export type Verified<T> = ({ ok: true } & T) | { ok: false; reason: LinkRejection };

export interface ClickLink {
  shopId: string;
  sendId: string;
  destination: string;
  /** ISO time after which the link no longer redirects. */
  expiresAt: string;
  /** A link in a preview: it redirects, but nothing is recorded (see previewMarker). */
  preview?: boolean;
}

export interface UnsubscribeLink {
  shopId: string;
  customerId: string;
  sendId: string;
  channel: Channel;
  purpose: Purpose;
  expiresAt: string;
  /** A link in a preview: it shows the page, but unsubscribes nobody. */
  preview?: boolean;
}

/**
 * How long links live. An unsubscribe link must keep working long after the mail is read (CAN-SPAM
 * asks 30 days at least; mail is reread much later), so it outlives the click link.
 */
export const defaultClickLinkDays = 90;
export const defaultUnsubscribeLinkDays = 365;

const version = 'v1';

/**
 * A preview renders a real customer's message with links like the sent one's, but a click on them
 * is the shop's, not the customer's. The marker is signed with the rest (a link's kind differs), so
 * it can be neither added to a real link nor taken off a preview's.
 */
const previewMarker = 'preview';

/**
 * Hosts a destination may have. An entry `*.shop.example` allows any subdomain of shop.example
 * (not shop.example itself: list it too). Only http(s) destinations, never `javascript:` or `data:`.
 */
export function isAllowedDestination(destination: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  // A user name or password in the URL can make a link look as if it went to one host and go to another.
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return allowedHosts.some((allowed) => {
    const a = allowed.toLowerCase();
    return a.startsWith('*.') ? host.endsWith(a.slice(1)) : host === a;
  });
}

function sign(secret: string, fields: readonly string[]): string {
  // Fields joined by NUL, which no field can hold (they come from URLs and ids): no two field lists sign alike.
  return createHmac('sha256', secret)
    .update([version, ...fields].join('\0'))
    .digest('base64url');
}

function signatureMatches(secrets: LinkSecrets, fields: readonly string[], given: string): boolean {
  // Compared as text, not decoded bytes: base64url's spare bits would let two spellings of one MAC pass.
  const givenBytes = Buffer.from(given);
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(sign(secret, fields));
    // timingSafeEqual needs equal lengths; a wrong length says nothing about the secret.
    if (expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)) match = true;
  }
  return match;
}

function hasNul(fields: readonly string[]): boolean {
  return fields.some((f) => f.includes('\0'));
}

const kind = (name: string, preview: boolean | undefined) => (preview ? `${name}-${previewMarker}` : name);
const clickFields = (l: ClickLink) => [
  kind('click', l.preview),
  l.shopId,
  l.sendId,
  l.destination,
  l.expiresAt,
];
const unsubscribeFields = (l: UnsubscribeLink) => [
  kind('unsubscribe', l.preview),
  l.shopId,
  l.customerId,
  l.sendId,
  l.channel,
  l.purpose,
  l.expiresAt,
];

/** The click-redirect URL for a destination, or an error if the destination is not the shop's. */
export function clickUrl(
  baseUrl: string,
  link: ClickLink,
  secrets: LinkSecrets,
  allowedHosts: readonly string[],
): string {
  if (!isAllowedDestination(link.destination, allowedHosts)) {
    throw new Error(`Destination host not allowed for shop ${link.shopId}: ${link.destination}`);
  }
  const fields = clickFields(link);
  if (hasNul(fields)) throw new Error('Link fields must not contain NUL');
  const url = new URL(baseUrl);
  url.search = new URLSearchParams({
    s: link.shopId,
    i: link.sendId,
    u: link.destination,
    e: link.expiresAt,
    ...(link.preview ? { m: previewMarker } : {}),
    sig: sign(secrets[0], fields),
  }).toString();
  return url.toString();
}

/** The one-click unsubscribe URL: the same URL serves the footer link and the List-Unsubscribe header. */
export function unsubscribeUrl(baseUrl: string, link: UnsubscribeLink, secrets: LinkSecrets): string {
  const fields = unsubscribeFields(link);
  if (hasNul(fields)) throw new Error('Link fields must not contain NUL');
  const url = new URL(baseUrl);
  url.search = new URLSearchParams({
    s: link.shopId,
    c: link.customerId,
    i: link.sendId,
    ch: link.channel,
    p: link.purpose,
    e: link.expiresAt,
    ...(link.preview ? { m: previewMarker } : {}),
    sig: sign(secrets[0], fields),
  }).toString();
  return url.toString();
}

function paramsOf(url: string): URLSearchParams | null {
  try {
    return new URL(url).searchParams;
  } catch {
    return null;
  }
}

/** `{ preview: true }` for a link that says it is a preview's (its signature then has to say so too). */
function previewOf(q: URLSearchParams | null): { preview?: true } {
  return q?.get('m') === previewMarker ? { preview: true } : {};
}

function expired(expiresAt: string, now: Date): boolean {
  return now.getTime() > Date.parse(expiresAt);
}

/**
 * Checks a followed click link: the signature first (nothing unsigned is believed), then expiry,
 * then the destination against the shop's hosts as they are now (a host removed since stops
 * redirecting).
 */
export function verifyClickUrl(
  url: string,
  secrets: LinkSecrets,
  allowedHosts: readonly string[],
  now: Date,
): Verified<ClickLink> {
  const q = paramsOf(url);
  const link = q && {
    shopId: q.get('s'),
    sendId: q.get('i'),
    destination: q.get('u'),
    expiresAt: q.get('e'),
  };
  const sig = q?.get('sig');
  if (!link || !sig || !link.shopId || !link.sendId || !link.destination || !link.expiresAt)
    return { ok: false, reason: 'malformed' };
  if (Number.isNaN(Date.parse(link.expiresAt))) return { ok: false, reason: 'malformed' };
  const complete = { ...link, ...previewOf(q) } as ClickLink;
  if (!signatureMatches(secrets, clickFields(complete), sig)) return { ok: false, reason: 'bad-signature' };
  if (expired(complete.expiresAt, now)) return { ok: false, reason: 'expired' };
  if (!isAllowedDestination(complete.destination, allowedHosts))
    return { ok: false, reason: 'host-not-allowed' };
  return { ok: true, ...complete };
}

const channels: ReadonlySet<string> = new Set<Channel>(['email', 'sms']);
const purposes: ReadonlySet<string> = new Set<Purpose>(['marketing', 'care']);

/** Checks an unsubscribe link (a GET from the footer or the mailbox's one-click POST). */
export function verifyUnsubscribeUrl(
  url: string,
  secrets: LinkSecrets,
  now: Date,
): Verified<UnsubscribeLink> {
  const q = paramsOf(url);
  const get = (k: string) => q?.get(k) ?? '';
  const link = {
    shopId: get('s'),
    customerId: get('c'),
    sendId: get('i'),
    channel: get('ch'),
    purpose: get('p'),
    expiresAt: get('e'),
  };
  const sig = get('sig');
  if (!sig || Object.values(link).some((v) => v === '')) return { ok: false, reason: 'malformed' };
  if (!channels.has(link.channel) || !purposes.has(link.purpose) || Number.isNaN(Date.parse(link.expiresAt)))
    return { ok: false, reason: 'malformed' };
  const complete = { ...link, ...previewOf(q) } as UnsubscribeLink;
  if (!signatureMatches(secrets, unsubscribeFields(complete), sig))
    return { ok: false, reason: 'bad-signature' };
  if (expired(complete.expiresAt, now)) return { ok: false, reason: 'expired' };
  return { ok: true, ...complete };
}

/**
 * The headers for one-click unsubscribe (RFC 8058): the mailbox POSTs `List-Unsubscribe=One-Click`
 * to the HTTPS URL, which must carry everything needed to act (no cookie, no confirmation page).
 */
export function listUnsubscribeHeaders(
  oneClickUrl: string,
  mailto?: string,
): { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } {
  if (new URL(oneClickUrl).protocol !== 'https:')
    throw new Error('RFC 8058 requires an HTTPS unsubscribe URL');
  const targets = [`<${oneClickUrl}>`, ...(mailto ? [`<mailto:${mailto}>`] : [])];
  return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
