import type { StoredEvent } from '../../domain/customers/events.js';
import type { IdentityKey } from '../../domain/customers/identity.js';
import type { Profile } from '../../domain/customers/profile.js';

export interface StoredProfile {
  profile: Profile;
  /** Optimistic-lock version; every write of a profile names the version it read. */
  version: number;
  /** Identities (phone:…, email:…) that point at this customer. */
  identities: string[];
  /** Set when this customer was folded into another: that one is the customer now. */
  mergedInto?: string;
  /** Set when the customer was erased: the tombstone keeps aggregate stats only. */
  erasedAt?: string;
}

/** Everything one change to a customer writes, atomically. */
export interface ProfileCommit {
  profile: Profile;
  /** null: the profile must not exist yet. */
  expectedVersion: number | null;
  /** Every identity (phone:…, email:…) of this customer after the change. */
  identities: string[];
  /** Those not yet pointing at it (new links, and those of merged customers): only these are written. */
  newIdentities: string[];
  /** Events now applied to this customer: each is marked so it can never be applied again. */
  appliedEvents: Array<Pick<StoredEvent, 'id' | 'occurredAt'>>;
  /** Customers folded into this one, each at the version that was read. */
  merged: Array<{ customerId: string; expectedVersion: number }>;
  /** Events huitou emits as part of this change (tier_changed). */
  emitted: StoredEvent[];
}

export type CommitResult =
  | { status: 'committed' }
  /** Another writer changed a profile or identity first: re-read and try again. */
  | { status: 'conflict' }
  /** These events were applied before (a replayed stream record): drop them and try again. */
  | { status: 'already-applied'; eventIds: string[] };

export interface ProfileStore {
  /** The customer id each identity points at, where it points anywhere. */
  findIdentities(shopId: string, identities: IdentityKey[]): Promise<Map<string, string>>;
  getProfiles(shopId: string, customerIds: string[]): Promise<Map<string, StoredProfile>>;
  commit(commit: ProfileCommit): Promise<CommitResult>;
}

export function identityKey(identity: IdentityKey): string {
  return `${identity.kind}:${identity.value}`;
}
