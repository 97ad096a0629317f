import type { StoredEvent } from '../../domain/customers/events.js';
import { derivedCustomerId, type IdentityKey } from '../../domain/customers/identity.js';
import {
  applyEvents,
  mergeProfiles,
  newProfile,
  type Profile,
  type Traits,
} from '../../domain/customers/profile.js';
import { ConflictError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { identityKey, type ProfileStore, type StoredProfile } from '../../ports/customers/profile-store.js';

export interface CustomerChange {
  settings: ShopSettings;
  /** The shop's own id for the customer, when the input names one. */
  customerId?: string;
  identities: IdentityKey[];
  events: StoredEvent[];
  patchTraits?: (traits: Traits) => Traits;
}

export interface ChangeDeps {
  profiles: ProfileStore;
  clock: () => Date;
}

const maxAttempts = 8;
const maxMergeHops = 5;

/**
 * Primary course: find every customer the input's id and identities point at, fold them into the
 * oldest, apply the events and trait changes, link the identities, and commit all of it at once.
 * A conflict (a concurrent writer) re-reads and tries again; events already applied are dropped.
 */
export async function changeCustomer(deps: ChangeDeps, change: CustomerChange): Promise<Profile | null> {
  const shopId = change.settings.shopId;
  let events = change.events;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (events.length === 0 && !change.patchTraits) return null;
    const owners = await deps.profiles.findIdentities(shopId, change.identities);
    const named = [change.customerId, ...change.identities.map((i) => owners.get(identityKey(i)))].filter(
      (id): id is string => id !== undefined,
    );
    const loaded = await loadFollowingMerges(deps.profiles, shopId, named);
    const first = change.identities[0];
    // When several known customers turn out to be one, the one known longest survives: its id is the
    // one the shop has used the longest. The others answer for it through `mergedInto`.
    const known = [...new Set(named.map((id) => resolveId(loaded, id)))].flatMap((id) => {
      const p = loaded.get(id);
      return p ? [p.profile] : [];
    });
    known.sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.customerId < b.customerId ? -1 : 1,
    );
    const survivorId =
      known[0]?.customerId ?? change.customerId ?? (first ? derivedCustomerId(shopId, first) : undefined);
    if (!survivorId) throw new Error('a customer change needs a customer id or an identity');

    const now = deps.clock().toISOString();
    const survivor = loaded.get(survivorId);
    const before = survivor?.profile.tier ?? null;
    let profile = survivor?.profile ?? newProfile(shopId, survivorId, now);
    const identities = new Set([...(survivor?.identities ?? []), ...change.identities.map(identityKey)]);
    const merged: Array<{ customerId: string; expectedVersion: number }> = [];
    for (const id of new Set(named.map((n) => resolveId(loaded, n)))) {
      const other = loaded.get(id);
      if (id === survivorId || !other) continue;
      profile = mergeProfiles(profile, other.profile, change.settings).profile;
      for (const i of other.identities) identities.add(i);
      merged.push({ customerId: id, expectedVersion: other.version });
    }
    profile = applyEvents(profile, events, change.settings).profile;
    if (change.patchTraits) profile = { ...profile, traits: change.patchTraits(profile.traits) };

    const expectedVersion = survivor?.version ?? null;
    const emitted: StoredEvent[] = [];
    if (profile.tier !== null && profile.tier !== before) {
      const at =
        events
          .map((e) => e.occurredAt)
          .sort()
          .at(-1) ?? now;
      emitted.push({
        shopId,
        // One tier change per committed version: a retried commit cannot emit it twice.
        id: `tier_changed:${survivorId}:${(expectedVersion ?? 0) + 1}`,
        type: 'tier_changed',
        occurredAt: at,
        receivedAt: now,
        customerId: survivorId,
        properties: { from: before, to: profile.tier },
      });
    }
    const result = await deps.profiles.commit({
      profile,
      expectedVersion,
      identities: [...identities],
      // Identities already linked stay as they are: most commits (one more event) write none.
      newIdentities: [...identities].filter((i) => !survivor?.identities.includes(i)),
      appliedEvents: events.map((e) => ({ id: e.id, occurredAt: e.occurredAt })),
      merged,
      emitted,
    });
    if (result.status === 'committed') return profile;
    if (result.status === 'already-applied') {
      const done = new Set(result.eventIds);
      events = events.filter((e) => !done.has(e.id));
    }
  }
  throw new ConflictError(`Concurrent update of a customer of shop ${shopId}`);
}

function resolveId(loaded: Map<string, StoredProfile>, id: string): string {
  let current = id;
  for (let hop = 0; hop < maxMergeHops; hop++) {
    const next = loaded.get(current)?.mergedInto;
    if (!next) return current;
    current = next;
  }
  return current;
}

async function loadFollowingMerges(
  profiles: ProfileStore,
  shopId: string,
  ids: string[],
): Promise<Map<string, StoredProfile>> {
  const loaded = new Map<string, StoredProfile>();
  let wanted = [...new Set(ids)];
  for (let hop = 0; hop < maxMergeHops && wanted.length > 0; hop++) {
    const found = await profiles.getProfiles(shopId, wanted);
    for (const [id, p] of found) loaded.set(id, p);
    wanted = [...found.values()].flatMap((p) =>
      p.mergedInto && !loaded.has(p.mergedInto) ? [p.mergedInto] : [],
    );
  }
  return loaded;
}
