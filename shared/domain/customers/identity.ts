import { createHash } from 'node:crypto';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164, read in the shop's default region when the number has no country code. */
export function normalizePhone(raw: string, defaultRegion: string): string | null {
  const parsed = parsePhoneNumberFromString(raw, defaultRegion as CountryCode);
  return parsed?.isValid() ? parsed.number : null;
}

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export type IdentityKind = 'phone' | 'email';

export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

/** An identity as one string, `phone:+86…` or `email:…`, as links and events store it. */
export function identityKey(identity: IdentityKey): string {
  return `${identity.kind}:${identity.value}`;
}

/** The phone and email an input names, as identities. */
export function identitiesOf(ref: { phone?: string; email?: string }): IdentityKey[] {
  const out: IdentityKey[] = [];
  if (ref.phone) out.push({ kind: 'phone', value: ref.phone });
  if (ref.email) out.push({ kind: 'email', value: ref.email });
  return out;
}

/**
 * A customer first seen by phone or email alone gets an id derived from that identity, so a
 * retried or replayed event creates the same customer rather than a twin.
 */
export function derivedCustomerId(shopId: string, identity: IdentityKey): string {
  const digest = createHash('sha256').update(`${shopId}\u0000${identity.kind}\u0000${identity.value}`);
  return `hc_${digest.digest('base64url').slice(0, 22)}`;
}
