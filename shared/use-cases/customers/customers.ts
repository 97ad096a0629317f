import { z } from 'zod';
import type { StoredEvent } from '../../domain/customers/events.js';
import { normalizeEmail, normalizePhone } from '../../domain/customers/identity.js';
import type { Profile, Traits } from '../../domain/customers/profile.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import type { ProfileStore, StoredProfile } from '../../ports/customers/profile-store.js';
import { identitiesOf } from './apply-events.js';
import { type ChangeDeps, changeCustomer } from './change-customer.js';
import { issuesOf } from './ingest-events.js';

const consentSchema = z.strictObject({ marketing: z.boolean().optional(), care: z.boolean().optional() });

export const traitsSchema = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  phone: z.string().min(3).max(32).optional(),
  email: z.email().max(254).optional(),
  birthday: z
    .string()
    .regex(/^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD, or --MM-DD without a year')
    .optional(),
  region: z.string().min(1).max(64).optional(),
  tags: z.array(z.string().min(1).max(64)).max(100).optional(),
  consent: z.strictObject({ email: consentSchema.optional(), sms: consentSchema.optional() }).optional(),
});

export const customerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@+-]+$/, 'letters, digits and ._:@+- only');

export type CustomerTraits = z.infer<typeof traitsSchema>;

/**
 * Checks a customer's traits and returns them with phone and email normalised, or throws every
 * issue; `prefix` places the paths inside a larger input (a row of an import).
 */
export function parseTraits(
  settings: ShopSettings,
  body: unknown,
  prefix: Array<string | number> = [],
  index?: number,
): CustomerTraits {
  const parsed = traitsSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error, index, prefix));
  const input = parsed.data;
  let phone: string | undefined;
  if (input.phone !== undefined) {
    phone = normalizePhone(input.phone, settings.defaultRegion) ?? undefined;
    if (!phone)
      throw new ValidationError([
        {
          ...(index === undefined ? {} : { index }),
          path: [...prefix, 'phone'].join('.'),
          message: `not a valid phone number for region ${settings.defaultRegion}`,
        },
      ]);
  }
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  return { ...input, phone, email };
}

/** Primary course: validate the traits, normalise phone and email, then change the customer (linking and merging). */
export async function putCustomer(
  deps: ChangeDeps,
  settings: ShopSettings,
  customerId: string,
  body: unknown,
): Promise<Profile> {
  const traits = parseTraits(settings, body);
  const profile = await changeCustomer(deps, {
    settings,
    customerId,
    identities: identitiesOf({ phone: traits.phone, email: traits.email }),
    events: [],
    // The shop owns the traits it sends; suppression is huitou's and stays.
    patchTraits: (current: Traits) => ({ ...traits, suppressed: current.suppressed }),
  });
  return profile as Profile;
}

export interface CustomerView {
  customerId: string;
  createdAt: string;
  traits: Traits;
  stats: Profile['stats'];
  tier: string | null;
  segments: string[];
  mergedFrom: string[];
  cart: Profile['activity']['cart'];
  recentEvents: Array<Pick<StoredEvent, 'id' | 'type' | 'occurredAt'>>;
}

async function findLive(profiles: ProfileStore, shopId: string, customerId: string): Promise<StoredProfile> {
  let id = customerId;
  for (let hop = 0; hop < 5; hop++) {
    const stored = (await profiles.getProfiles(shopId, [id])).get(id);
    if (!stored) break;
    if (!stored.mergedInto) return stored;
    id = stored.mergedInto;
  }
  throw new NotFoundError('customer');
}

/** A customer by the shop's id (or an id merged into another: the survivor answers). */
export async function getCustomer(
  profiles: ProfileStore,
  events: EventStore,
  shopId: string,
  customerId: string,
): Promise<CustomerView> {
  const { profile } = await findLive(profiles, shopId, customerId);
  const recent = await events.timeline(shopId, [profile.customerId, ...profile.mergedFrom], 20);
  return {
    customerId: profile.customerId,
    createdAt: profile.createdAt,
    traits: profile.traits,
    stats: profile.stats,
    tier: profile.tier,
    segments: profile.segments,
    mergedFrom: profile.mergedFrom,
    cart: profile.activity.cart,
    recentEvents: recent.map((e) => ({ id: e.id, type: e.type, occurredAt: e.occurredAt })),
  };
}

export interface ErasureStore {
  /** Deletes the customers' events, identities and profiles, and keeps an anonymous tombstone of their stats. */
  erase(shopId: string, live: StoredProfile, at: string): Promise<void>;
}

/** Erasure: PII and events go; an anonymous tombstone keeps aggregate reports true. */
export async function eraseCustomer(
  profiles: ProfileStore,
  erasure: ErasureStore,
  shopId: string,
  customerId: string,
  now: Date,
): Promise<void> {
  const live = await findLive(profiles, shopId, customerId);
  await erasure.erase(shopId, live, now.toISOString());
}
