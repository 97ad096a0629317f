import { identitiesOf } from '../../domain/customers/identity.js';
import type { Profile, Traits } from '../../domain/customers/profile.js';
import { parseTraits } from '../../domain/customers/traits.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { type ChangeDeps, changeCustomer } from './change-customers.js';

/** Primary course: validate the traits, normalise phone and email, then change the customer (linking and merging). */
export async function putCustomer(
  deps: ChangeDeps,
  settings: ShopSettings,
  customerId: string,
  body: unknown,
): Promise<Profile> {
  const traits = parseTraits(settings, body);
  return changeCustomer(deps, settings, {
    customerId,
    identities: identitiesOf({ phone: traits.phone, email: traits.email }),
    events: [],
    // The shop owns the traits it sends; suppression is huitou's and stays.
    patchTraits: (current: Traits) => ({ ...traits, suppressed: current.suppressed }),
  });
}
