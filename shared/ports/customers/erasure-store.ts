import type { StoredProfile } from '../../domain/customers/change.js';

/** What an erased customer leaves behind: aggregates with no person in them, so reports stay true. */
export interface Tombstone {
  erasedAt: string;
  tier: string | null;
  paidOrderCount: number;
  /** Minor units, as profiles keep them. */
  totalSpend: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
}

export interface ErasureStore {
  /** Deletes the customer's events, identities, orders and profile (and those merged into it), keeping the tombstone. */
  erase(shopId: string, live: StoredProfile, tombstone: Tombstone): Promise<void>;
}
