import { maxMergeHops, type StoredProfile } from '../../domain/customers/change.js';
import { type CustomerView, customerView } from '../../domain/customers/view.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import type { ProfileStore } from '../../ports/customers/profile-store.js';

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

/** Primary course: the live customer, its stats derived, and its latest events from every id and identity it had. */
export async function getCustomer(
  profiles: ProfileStore,
  events: EventStore,
  shop: ShopSettings,
  customerId: string,
): Promise<CustomerView> {
  const live = await findLive(profiles, shop.shopId, customerId);
  const { profile } = live;
  const recent = await events.timeline(
    shop.shopId,
    { customerIds: [profile.customerId, ...profile.mergedFrom], identities: live.identities },
    20,
  );
  return customerView(profile, shop.timeZone, recent);
}
