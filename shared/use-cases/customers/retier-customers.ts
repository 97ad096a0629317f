import type { CustomerChange } from '../../domain/customers/change.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { type ChangeDeps, changeCustomers } from './change-customers.js';

/**
 * Alternate course, after a shop replaced its tier ladder: customers whose stored tier the ladder
 * no longer gives are decided again with no new event, through the same change as any other, so
 * each tier moves once, with its tier_changed (the tier change notice goes out as for any move).
 * A customer who changed meanwhile is read again; one whose tier is right by then writes nothing.
 * Throws if any could not be committed, for the caller to retry (a retry moves nobody twice).
 */
export async function retierCustomers(
  deps: ChangeDeps,
  shop: ShopSettings,
  customerIds: string[],
): Promise<void> {
  if (customerIds.length === 0) return;
  const changes: CustomerChange[] = customerIds.map((customerId) => ({
    customerId,
    identities: [],
    events: [],
  }));
  const failed = (await changeCustomers(deps, shop, changes)).flatMap((outcome, i) =>
    outcome.ok ? [] : [`${customerIds[i]}: ${String(outcome.error)}`],
  );
  if (failed.length > 0)
    throw new Error(`could not re-tier ${failed.length} customers: ${failed.join('; ')}`);
}
