import type { CommitPlan, StoredProfile } from '../../domain/customers/change.js';
import type { OrderFacts } from '../../domain/customers/profile.js';

export type CommitResult =
  | { status: 'committed' }
  /** Another writer changed a profile or identity first: re-read and decide again. */
  | { status: 'conflict' };

export interface ProfileStore {
  /** The customer id each identity (`phone:…`, `email:…`) points at, where it points anywhere. */
  findOwners(shopId: string, identities: string[]): Promise<Map<string, string>>;
  getProfiles(shopId: string, customerIds: string[]): Promise<Map<string, StoredProfile>>;
  /** Orders moved out of these customers' profiles, by customer id and order id. */
  getArchivedOrders(
    shopId: string,
    wanted: Array<{ customerId: string; orderId: string }>,
  ): Promise<Map<string, Map<string, OrderFacts>>>;
  /** Writes what the plan says, or nothing when another writer got there first. */
  commit(plan: CommitPlan): Promise<CommitResult>;
}
