import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { changeCustomers } from '../../../../../shared/use-cases/customers/change-customers.js';
import { putCustomer } from '../../../../../shared/use-cases/customers/put-customer.js';
import { customersWorld } from '../../../../support/customers.js';

function traitsChanges(world: ReturnType<typeof customersWorld>) {
  return world.events
    .all('tea')
    .map((s) => s.event)
    .filter((e) => e.type === 'traits_changed');
}

/**
 * PUT /v1/customers announces a change of the traits that schedule something (birthday, time zone)
 * with a `traits_changed` event, which the stream takes to journeys as any event.
 */
describe('a change of birthday or time zone', () => {
  it('emits one traits_changed naming them, with an id fixed by the version it creates', async () => {
    const world = customersWorld();
    const put = (body: Record<string, unknown>) =>
      putCustomer({ profiles: world.profiles, clock: world.clock.now }, world.settings, 'c-1', body);
    await put({ name: 'Li', birthday: '1990-11-05' });
    await put({ name: 'Li', birthday: '1990-11-05' });
    await put({ name: 'Li Wei', birthday: '1990-11-05' });
    await put({ name: 'Li Wei', birthday: '1990-11-05', timeZone: 'Europe/London' });
    await put({ name: 'Li Wei' });
    expect(traitsChanges(world).map((e) => [e.id, e.properties])).toEqual([
      ['traits_changed:c-1:1', { traits: ['birthday'] }],
      ['traits_changed:c-1:4', { traits: ['timeZone'] }],
      ['traits_changed:c-1:5', { traits: ['birthday', 'timeZone'] }],
    ]);
    // The stream brings it back; it changes nothing in the profile, so nothing is written.
    const attempts = world.profiles.attempts.length;
    await world.settle();
    expect(world.profiles.attempts.length).toBe(attempts);
  });

  it('emits nothing for imported customers (history is not news)', async () => {
    const world = customersWorld();
    await changeCustomers(world.deps, world.settings, [
      {
        customerId: 'c-1',
        identities: [],
        events: [],
        patchTraits: (t) => ({ ...t, birthday: '1990-11-05' }),
        emit: false,
      },
    ]);
    expect(traitsChanges(world)).toEqual([]);
  });

  it('refuses a time zone the runtime does not know, naming the field', async () => {
    const world = customersWorld();
    const error = await putCustomer(
      { profiles: world.profiles, clock: world.clock.now },
      world.settings,
      'c-1',
      {
        timeZone: 'Mars/Olympus',
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'timeZone', message: 'an IANA time zone, such as Asia/Shanghai' },
    ]);
  });
});
