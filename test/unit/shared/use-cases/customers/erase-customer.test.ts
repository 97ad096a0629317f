import { describe, expect, it } from 'vitest';
import { derivedCustomerId } from '../../../../../shared/domain/customers/identity.js';
import { NotFoundError } from '../../../../../shared/domain/errors.js';
import { eraseCustomer } from '../../../../../shared/use-cases/customers/erase-customer.js';
import { putCustomer } from '../../../../../shared/use-cases/customers/put-customer.js';
import { customersWorld } from '../../../../support/customers.js';
import { paidOrder, viewed } from '../../../../support/shop-events.js';

const phone = '+8613600000001';

describe('erasing a customer', () => {
  it('removes the person, keeps the aggregates, and forgets the phone', async () => {
    const world = customersWorld();
    await putCustomer(world.deps, world.settings, 'alice', { name: 'Alice', phone });
    await world.ingest([...paidOrder({ phone }, 'a1', 120, '2026-09-01T10:00:00Z')]);
    await world.settle();

    await eraseCustomer(world.profiles, world.erasure, world.settings, 'alice', world.clock.now());

    await expect(world.customer('alice')).rejects.toBeInstanceOf(NotFoundError);
    expect(world.events.all('tea')).toEqual([]);
    expect(world.erasure.tombstones('tea')).toEqual([
      expect.objectContaining({ tier: 'member', paidOrderCount: 1, totalSpend: 12_000 }),
    ]);
    // The phone is nobody's now: an event by phone starts a new customer.
    await world.apply([viewed({ phone }, 'puer', '2026-10-01T10:00:00Z')]);
    const newcomer = await world.customer(derivedCustomerId('tea', { kind: 'phone', value: phone }));
    expect(newcomer.stats.paidOrderCount).toBe(0);
  });
});
