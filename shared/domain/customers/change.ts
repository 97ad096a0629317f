import { type LiveSegments, liveMembershipChange } from '../segments/live.js';
import type { ShopSettings } from '../shops/shop.js';
import { type AppliedEvents, notYetApplied, recordApplied } from './applied.js';
import { announcedTraits, type EmittedEvent, type StoredEvent } from './events.js';
import { derivedCustomerId, type IdentityKey, identityKey } from './identity.js';
import {
  type ArchivedOrder,
  additiveEventTypes,
  applyEvents,
  mergeProfiles,
  newProfile,
  type OrderFacts,
  type Profile,
  type ProfileStats,
  summarize,
  type Traits,
} from './profile.js';

/**
 * How one change to a customer is decided: which customer it lands on, who folds into it, what the
 * profile becomes, what is written beside it, and what huitou emits. Pure: the use case reads what
 * this needs, asks, and commits the plan (or re-reads and asks again after a conflict).
 */

export interface StoredProfile {
  profile: Profile;
  /** Optimistic-lock version; every write of a profile names the version it read. */
  version: number;
  /** Identities (phone:…, email:…) that point at this customer. */
  identities: string[];
  /** Set when this customer was folded into another: that one is the customer now. */
  mergedInto?: string;
  /** Events already in this profile (see applied.ts). */
  applied: AppliedEvents;
  /**
   * Events the last change emitted: written after the profile, and written again (the same items) by
   * the next change, so a crash between the two writes loses none.
   */
  outbox: StoredEvent[];
}

export interface CustomerChange {
  /** The shop's own id for the customer, when the input names one. */
  customerId?: string;
  identities: IdentityKey[];
  events: StoredEvent[];
  patchTraits?: (traits: Traits) => Traits;
  /**
   * False for history (an import): the tier and live memberships are set as they stand, with no
   * tier_changed or segment_entered to act on.
   */
  emit?: boolean;
}

/**
 * The shop's live segments, kept by each change, and which of their moves are worth an event
 * (those some enabled journey starts on or hears); every move when that is not known.
 */
export interface LiveContext {
  segments: LiveSegments;
  emits?: (event: EmittedEvent) => boolean;
}

/** What the store knows of the customers a change names. */
export interface Known {
  /** Identity key → the customer it points at. */
  owners: ReadonlyMap<string, string>;
  /** Every customer named, and those they were merged into. */
  profiles: ReadonlyMap<string, StoredProfile>;
  /** Orders moved out of the profiles involved that the change's events name. */
  archivedOrders?: ReadonlyMap<string, OrderFacts>;
}

export interface Resolution {
  survivorId: string;
  /** Known customers that turn out to be the survivor too. */
  mergedIds: string[];
  /** Customers an identity points at that have no profile (a link written, the profile never): theirs to take. */
  orphans: string[];
}

export const maxMergeHops = 5;

/** The customer an id stands for now, following merges. */
export function followMerges(profiles: ReadonlyMap<string, StoredProfile>, id: string): string {
  let current = id;
  for (let hop = 0; hop < maxMergeHops; hop++) {
    const next = profiles.get(current)?.mergedInto;
    if (!next) return current;
    current = next;
  }
  return current;
}

/** Every customer id a change names, before merges are followed. */
export function namedIds(change: Pick<CustomerChange, 'customerId' | 'identities'>, owners: Known['owners']) {
  return [change.customerId, ...change.identities.map((i) => owners.get(identityKey(i)))].filter(
    (id): id is string => id !== undefined,
  );
}

/**
 * When several known customers turn out to be one, the one known longest survives: its id is the
 * one the shop has used the longest. The others answer for it through `mergedInto`.
 */
export function resolve(shopId: string, change: CustomerChange, known: Known): Resolution {
  const named = namedIds(change, known.owners);
  const current = [...new Set(named.map((id) => followMerges(known.profiles, id)))];
  const live = current.flatMap((id) => {
    const stored = known.profiles.get(id);
    return stored ? [stored.profile] : [];
  });
  live.sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.customerId < b.customerId ? -1 : 1,
  );
  const first = change.identities[0];
  const survivorId =
    live[0]?.customerId ?? change.customerId ?? (first ? derivedCustomerId(shopId, first) : undefined);
  if (!survivorId) throw new Error('a customer change needs a customer id or an identity');
  return {
    survivorId,
    mergedIds: live.slice(1).map((p) => p.customerId),
    orphans: current.filter((id) => !known.profiles.has(id) && id !== survivorId),
  };
}

export interface CommitPlan {
  profile: Profile;
  /** The profile's stats after the change (minor units). */
  stats: ProfileStats;
  /** null: the profile must not exist yet. */
  expectedVersion: number | null;
  /** Every identity of the customer after the change. */
  identities: string[];
  /** Those not yet pointing at it: only these are written. */
  newIdentities: string[];
  /** Who may hold an identity this change links: the customer, those merged in, and orphans. */
  identityHolders: string[];
  /** Customers folded in, at the version read, with the segments whose member items they leave. */
  merged: Array<{ customerId: string; expectedVersion: number; segments: string[] }>;
  /** Orders to write as items of their own (moved out, or changed by a late event). */
  archivedOrders: ArchivedOrder[];
  /** True when the change must be written at once (merges, a changed archived order, live memberships). */
  atomic: boolean;
  /** Live segments the customer joined and left with this change: their member items change with it. */
  memberships?: { joined: string[]; left: string[] };
  applied: AppliedEvents;
  /**
   * Events huitou emits as part of this change (tier_changed, traits_changed, segment_entered,
   * segment_left): the profile's outbox after it.
   */
  emitted: StoredEvent[];
  /** The outbox of the profile as it was read: written again before the profile, in case they were lost. */
  flush: StoredEvent[];
  /** False when there is nothing to write (every event was applied before). */
  changed: boolean;
}

export function decideChange(
  settings: ShopSettings,
  change: CustomerChange,
  known: Known,
  now: Date,
  live?: LiveContext,
): CommitPlan {
  const shopId = settings.shopId;
  const { survivorId, mergedIds, orphans } = resolve(shopId, change, known);
  const survivor = known.profiles.get(survivorId);
  const others = mergedIds.flatMap((id) => {
    const other = known.profiles.get(id);
    return other ? [other] : [];
  });
  const nowIso = now.toISOString();
  let applied: AppliedEvents = { ...(survivor?.applied ?? {}) };
  for (const other of others) applied = { ...other.applied, ...applied };
  const events = notYetApplied(applied, change.events);

  let profile = survivor?.profile ?? newProfile(shopId, survivorId, nowIso);
  const before = profile.tier;
  const archivedOrders: ArchivedOrder[] = [];
  const identities = new Set([...(survivor?.identities ?? []), ...change.identities.map(identityKey)]);
  for (const other of others) {
    const merged = mergeProfiles(profile, other.profile, settings);
    profile = merged.profile;
    archivedOrders.push(...merged.archivedOrders);
    for (const i of other.identities) identities.add(i);
  }
  const result = applyEvents(profile, events, settings, known.archivedOrders);
  profile = result.profile;
  archivedOrders.push(...result.archivedOrders);
  const traitsBefore = profile.traits;
  if (change.patchTraits) profile = { ...profile, traits: change.patchTraits(profile.traits) };

  const expectedVersion = survivor?.version ?? null;
  // Emitted events are named by the version this change creates: a commit decided again after a
  // lost race names them the same, and a replay of applied events changes nothing and emits nothing.
  const version = (expectedVersion ?? 0) + 1;
  const at =
    events
      .map((e) => e.occurredAt)
      .sort()
      .at(-1) ?? nowIso;
  const emitted: StoredEvent[] = [];
  if (change.emit !== false && profile.tier !== null && profile.tier !== before) {
    emitted.push({
      shopId,
      // One tier change per committed version: a retried commit cannot emit it twice.
      id: `tier_changed:${survivorId}:${version}`,
      type: 'tier_changed',
      occurredAt: at,
      receivedAt: nowIso,
      customerId: survivorId,
      properties: { from: before, to: profile.tier },
    });
  }
  const announced = announcedTraits.filter(
    (t) => JSON.stringify(traitsBefore[t] ?? null) !== JSON.stringify(profile.traits[t] ?? null),
  );
  if (change.emit !== false && announced.length > 0)
    emitted.push({
      shopId,
      // One per committed version, as tier_changed: a retried commit cannot emit it twice.
      id: `traits_changed:${survivorId}:${(expectedVersion ?? 0) + 1}`,
      type: 'traits_changed',
      occurredAt: nowIso,
      receivedAt: nowIso,
      customerId: survivorId,
      properties: { traits: announced },
    });
  const newIdentities = [...identities].filter((i) => !survivor?.identities.includes(i));
  const merged = others.map((o) => ({
    customerId: o.profile.customerId,
    expectedVersion: o.version,
    segments: o.profile.segments,
  }));
  // A replay of events the profile holds already changes nothing, and writes nothing.
  const changed =
    !survivor ||
    Boolean(change.patchTraits) ||
    merged.length > 0 ||
    newIdentities.length > 0 ||
    emitted.length > 0 ||
    JSON.stringify([profile.activity, profile.traits, profile.tier]) !==
      JSON.stringify([survivor.profile.activity, survivor.profile.traits, survivor.profile.tier]);
  // A changed customer's live memberships follow the change, in the same (then atomic) commit. The
  // events emitted here change no fact a live rule reads, so applying them moves nothing again.
  const move = live && changed ? liveMembershipChange(profile, live.segments, settings.timeZone, now) : null;
  if (move) {
    profile = { ...profile, segments: move.segments };
    if (change.emit !== false) {
      const moved = (type: 'segment_entered' | 'segment_left', segment: string): EmittedEvent => ({
        shopId,
        id: `${type}:${survivorId}:${version}:${segment}`,
        type,
        occurredAt: at,
        receivedAt: nowIso,
        customerId: survivorId,
        properties: { segment },
      });
      const moves = [
        ...move.joined.map((s) => moved('segment_entered', s)),
        ...move.left.map((s) => moved('segment_left', s)),
      ];
      emitted.push(...moves.filter((e) => live?.emits?.(e) ?? true));
    }
  }
  return {
    profile,
    stats: summarize(profile.activity, settings.timeZone),
    expectedVersion,
    identities: [...identities],
    newIdentities,
    identityHolders: [survivorId, ...mergedIds, ...orphans],
    merged,
    archivedOrders,
    atomic: merged.length > 0 || result.changedArchive || move !== null,
    ...(move ? { memberships: { joined: move.joined, left: move.left } } : {}),
    // Only events that add up are remembered: the rest set facts that applying them again leaves as they are.
    applied: recordApplied(
      applied,
      events.filter((e) => additiveEventTypes.has(e.type)).map((e) => e.id),
      now,
    ),
    emitted,
    flush: survivor?.outbox ?? [],
    changed,
  };
}
