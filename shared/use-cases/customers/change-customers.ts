import {
  type CommitPlan,
  type CustomerChange,
  decideChange,
  followMerges,
  type Known,
  type LiveContext,
  maxMergeHops,
  namedIds,
  resolve,
  type StoredProfile,
} from '../../domain/customers/change.js';
import type { EmittedEvent } from '../../domain/customers/events.js';
import { identityKey } from '../../domain/customers/identity.js';
import type { OrderFacts, Profile, Traits } from '../../domain/customers/profile.js';
import { ConflictError } from '../../domain/errors.js';
import type { LiveSegments } from '../../domain/segments/live.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';

export interface ChangeDeps {
  profiles: ProfileStore;
  clock: () => Date;
  /** The shop's live segments (custom segments on the customer's own facts), kept as events arrive. */
  liveSegments?: (shopId: string) => Promise<LiveSegments>;
  /**
   * Which segment_entered / segment_left events some enabled journey starts on or hears (null:
   * none). Without it every live move is emitted: one small event item each, and moves are rare.
   */
  segmentEventsWanted?: (shopId: string) => Promise<((event: EmittedEvent) => boolean) | null>;
}

export type ChangeOutcome = { ok: true; profile: Profile; plan: CommitPlan } | { ok: false; error: unknown };

const maxAttempts = 8;
const commitsInParallel = 16;

/**
 * Primary course: read what the changes name (identity links, profiles and whom they were merged
 * into, archived orders their events touch) in a few batched reads, put changes that land on the same
 * customer together, decide each, and commit them side by side: one write per customer, however many
 * events it got. A change that lost a race is read again and decided again; events already in a
 * profile are skipped, so nothing counts twice.
 */
export async function changeCustomers(
  deps: ChangeDeps,
  settings: ShopSettings,
  changes: CustomerChange[],
): Promise<ChangeOutcome[]> {
  const outcomes: Array<ChangeOutcome | undefined> = new Array(changes.length);
  const live = await liveContext(deps, settings.shopId);
  let pending = changes.map((change, index) => ({ change, index }));
  for (let attempt = 0; attempt < maxAttempts && pending.length > 0; attempt++) {
    const known = await readKnown(
      deps.profiles,
      settings.shopId,
      pending.map((p) => p.change),
    );
    const bySurvivor = new Map<string, typeof pending>();
    for (const p of pending) {
      const { survivorId } = resolve(settings.shopId, p.change, known);
      bySurvivor.set(survivorId, [...(bySurvivor.get(survivorId) ?? []), p]);
    }
    const retry: typeof pending = [];
    const groups = [...bySurvivor.values()];
    const worker = async () => {
      for (let group = groups.shift(); group; group = groups.shift()) {
        const members = group;
        try {
          const plan = decideChange(
            settings,
            combine(members.map((m) => m.change)),
            known,
            deps.clock(),
            live,
          );
          const result = plan.changed ? await deps.profiles.commit(plan) : { status: 'committed' as const };
          if (result.status === 'conflict') retry.push(...members);
          else for (const m of members) outcomes[m.index] = { ok: true, profile: plan.profile, plan };
        } catch (error) {
          for (const m of members) outcomes[m.index] = { ok: false, error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(commitsInParallel, groups.length) }, worker));
    pending = retry;
  }
  for (const p of pending)
    outcomes[p.index] = {
      ok: false,
      error: new ConflictError(`Concurrent update of a customer of shop ${settings.shopId}`),
    };
  return outcomes as ChangeOutcome[];
}

/** The shop's live segments, and (only when it has some) which of their moves journeys want. */
async function liveContext(deps: ChangeDeps, shopId: string): Promise<LiveContext | undefined> {
  const segments = await deps.liveSegments?.(shopId);
  if (!segments || segments.segments.length === 0) return segments && { segments };
  if (!deps.segmentEventsWanted) return { segments };
  const wanted = await deps.segmentEventsWanted(shopId);
  return { segments, emits: wanted ?? (() => false) };
}

/** One change to one customer; throws what the change could not do. */
export async function changeCustomer(
  deps: ChangeDeps,
  settings: ShopSettings,
  change: CustomerChange,
): Promise<Profile> {
  const [outcome] = await changeCustomers(deps, settings, [change]);
  if (!outcome?.ok) throw outcome?.error;
  return outcome.profile;
}

/** Changes that land on one customer, as one change: their events together, their trait patches in turn. */
function combine(changes: CustomerChange[]): CustomerChange {
  if (changes.length === 1) return changes[0] as CustomerChange;
  const identities = new Map(changes.flatMap((c) => c.identities).map((i) => [identityKey(i), i]));
  const patches = changes.flatMap((c) => (c.patchTraits ? [c.patchTraits] : []));
  return {
    customerId: changes.find((c) => c.customerId)?.customerId,
    identities: [...identities.values()],
    events: changes.flatMap((c) => c.events),
    patchTraits:
      patches.length > 0 ? (traits: Traits) => patches.reduce((t, patch) => patch(t), traits) : undefined,
    emit: changes.some((c) => c.emit !== false),
  };
}

/** Everything the changes name, read in batches: links, profiles (following merges), archived orders. */
async function readKnown(store: ProfileStore, shopId: string, changes: CustomerChange[]): Promise<Known> {
  const identities = [...new Set(changes.flatMap((c) => c.identities.map(identityKey)))];
  const owners =
    identities.length > 0 ? await store.findOwners(shopId, identities) : new Map<string, string>();
  const profiles = new Map<string, StoredProfile>();
  let wanted = [...new Set(changes.flatMap((c) => namedIds(c, owners)))];
  for (let hop = 0; hop <= maxMergeHops && wanted.length > 0; hop++) {
    const found = await store.getProfiles(shopId, wanted);
    for (const [id, p] of found) profiles.set(id, p);
    wanted = [...found.values()].flatMap((p) =>
      p.mergedInto && !profiles.has(p.mergedInto) ? [p.mergedInto] : [],
    );
  }
  const archivedOrders = await readArchivedOrders(store, shopId, changes, { owners, profiles });
  return { owners, profiles, archivedOrders };
}

/**
 * Orders that events name but the profiles do not hold may have been moved out: read those, for
 * customers that moved any out at all (most never have).
 */
async function readArchivedOrders(
  store: ProfileStore,
  shopId: string,
  changes: CustomerChange[],
  known: Known,
): Promise<Map<string, OrderFacts>> {
  const wanted: Array<{ customerId: string; orderId: string }> = [];
  for (const change of changes) {
    const orderIds = change.events.flatMap((e) =>
      'orderId' in e.properties && e.properties.orderId ? [e.properties.orderId] : [],
    );
    if (orderIds.length === 0) continue;
    const { survivorId, mergedIds } = resolve(shopId, change, known);
    for (const customerId of [survivorId, ...mergedIds]) {
      const stored = known.profiles.get(followMerges(known.profiles, customerId));
      if (!stored || stored.profile.activity.history.orders === 0) continue;
      for (const orderId of orderIds)
        if (!(orderId in stored.profile.activity.orders)) wanted.push({ customerId, orderId });
    }
  }
  const out = new Map<string, OrderFacts>();
  if (wanted.length === 0) return out;
  for (const orders of (await store.getArchivedOrders(shopId, wanted)).values())
    for (const [orderId, facts] of orders) out.set(orderId, facts);
  return out;
}
