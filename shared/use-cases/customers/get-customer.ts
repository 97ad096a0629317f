import { maxMergeHops, type StoredProfile } from '../../domain/customers/change.js';
import { type CustomerView, customerView } from '../../domain/customers/view.js';
import { NotFoundError } from '../../domain/errors.js';
import { predictionOf } from '../../domain/segments/predictions/from-profile.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';
import type { RefreshResultStore } from '../../ports/segments/refresh-result-store.js';

/** The live customer an id stands for: the survivor answers for an id merged into it. */
export async function findLive(
  profiles: ProfileStore,
  shopId: string,
  customerId: string,
): Promise<StoredProfile> {
  let id = customerId;
  for (let hop = 0; hop <= maxMergeHops; hop++) {
    const stored = (await profiles.getProfiles(shopId, [id])).get(id);
    if (!stored) break;
    if (!stored.mergedInto) return stored;
    id = stored.mergedInto;
  }
  throw new NotFoundError('customer');
}

export interface GetCustomerDeps {
  profiles: ProfileStore;
  events: EventStore;
  /** Where the shop's repurchase model is, for the customer's predictions. */
  results: RefreshResultStore;
  clock: () => Date;
}

/**
 * Primary course: the live customer, its stats derived, its latest events from every id and identity
 * it had, and its predictions as of now from the shop's model (computed here, never stored).
 */
export async function getCustomer(
  deps: GetCustomerDeps,
  shop: ShopSettings,
  customerId: string,
): Promise<CustomerView> {
  const [live, model] = await Promise.all([
    findLive(deps.profiles, shop.shopId, customerId),
    deps.results.getModel(shop.shopId),
  ]);
  const { profile } = live;
  const recent = await deps.events.timeline(
    shop.shopId,
    { customerIds: [profile.customerId, ...profile.mergedFrom], identities: live.identities },
    20,
  );
  const prediction = model
    ? predictionOf(model, profile.activity, shop.timeZone, deps.clock().toISOString())
    : null;
  return customerView(profile, shop.timeZone, recent, prediction);
}
