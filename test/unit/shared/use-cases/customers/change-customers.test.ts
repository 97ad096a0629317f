import { describe, expect, it } from 'vitest';
import { keys } from '../../../../../shared/adapters/dynamodb/keys.js';
import { normalizeBatch } from '../../../../../shared/domain/customers/normalize.js';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { changesOf } from '../../../../../shared/use-cases/customers/apply-events.js';
import { changeCustomers } from '../../../../../shared/use-cases/customers/change-customers.js';
import { putCustomer } from '../../../../../shared/use-cases/customers/put-customer.js';
import { customersWorld } from '../../../../support/customers.js';
import { bounced, paidOrder, viewed } from '../../../../support/shop-events.js';

const alice = { customerId: 'alice' };

function tierChanges(world: ReturnType<typeof customersWorld>) {
  return world.events
    .all('tea')
    .map((s) => s.event)
    .filter((e) => e.type === 'tier_changed');
}

describe('a customer changing tier', () => {
  it('emits exactly one tier_changed, with an id fixed by the version it creates', async () => {
    const world = customersWorld();
    await world.apply(paidOrder(alice, 'a1', 2_600, '2026-09-01T10:00:00Z'));
    expect(tierChanges(world)).toEqual([
      expect.objectContaining({
        id: 'tier_changed:alice:1',
        customerId: 'alice',
        occurredAt: '2026-09-01T10:01:00.000Z',
        properties: { from: null, to: 'senior' },
      }),
    ]);

    // The stream brings the emitted event back; the profile holds it already, so nothing is written.
    const attempts = world.profiles.attempts.length;
    await world.settle();
    expect(world.profiles.attempts.length).toBe(attempts);

    await world.apply(paidOrder(alice, 'a2', 100, '2026-09-02T10:00:00Z'));
    await world.apply(paidOrder(alice, 'a3', 3_000, '2026-09-03T10:00:00Z'));
    expect(tierChanges(world).map((e) => [e.id, e.properties])).toEqual([
      ['tier_changed:alice:1', { from: null, to: 'senior' }],
      ['tier_changed:alice:3', { from: 'senior', to: 'vip' }],
    ]);
  });

  it('emits it once when the commit lost a race and was decided again', async () => {
    const world = customersWorld();
    world.profiles.conflictNextCommits(1);
    await world.apply(paidOrder(alice, 'a1', 2_600, '2026-09-01T10:00:00Z'));
    expect(world.profiles.attempts.map((p) => p.emitted.map((e) => e.id))).toEqual([
      ['tier_changed:alice:1'],
      ['tier_changed:alice:1'],
    ]);
    expect(tierChanges(world)).toHaveLength(1);
  });

  it('keeps a tier change in the profile until the next commit writes it again, so a crash loses none', async () => {
    const world = customersWorld();
    await world.apply([viewed(alice, 'puer', '2026-08-01T10:00:00Z')]);
    await world.apply(paidOrder(alice, 'a1', 2_600, '2026-09-01T10:00:00Z'));
    // No transaction: the profile (with the event in its outbox) and then the event, one write each.
    expect(world.profiles.commits.at(-1)).toMatchObject({ atomic: false, expectedVersion: 1 });
    const [emitted] = tierChanges(world);
    expect(emitted?.id).toBe('tier_changed:alice:2');
    // The container died after the profile, before the event: the next change of alice writes it.
    const eventKey = keys.event(
      'tea',
      { customerId: 'alice' },
      emitted?.occurredAt as string,
      emitted?.id as string,
    );
    world.table.delete(eventKey);
    expect(tierChanges(world)).toEqual([]);
    await world.apply([viewed(alice, 'oolong', '2026-09-05T10:00:00Z')]);
    expect(tierChanges(world)).toEqual([emitted]);
  });

  it('sets the tier of imported history without a tier_changed to greet old customers with', async () => {
    const world = customersWorld();
    const events = normalizeBatch(
      paidOrder(alice, 'a1', 2_600, '2026-09-01T10:00:00Z'),
      world.settings,
      world.clock.now(),
      () => [],
    );
    await changeCustomers(
      world.deps,
      world.settings,
      changesOf(events).map((c) => ({ ...c, emit: false })),
    );
    expect((await world.customer('alice')).tier).toBe('senior');
    expect(tierChanges(world)).toEqual([]);
  });
});

describe('putting a customer', () => {
  it('replaces the traits the shop owns and keeps the suppression huitou set', async () => {
    const world = customersWorld();
    await putCustomer(world.deps, world.settings, 'alice', { name: 'Alice', region: 'Zhejiang' });
    await world.apply([bounced(alice, 's1', '2026-09-01T10:00:00Z')]);
    await putCustomer(world.deps, world.settings, 'alice', {
      name: 'Alice Wang',
      email: 'Alice@Example.com',
      phone: '136 0000 0001',
    });
    expect((await world.customer('alice')).traits).toEqual({
      name: 'Alice Wang',
      email: 'alice@example.com',
      phone: '+8613600000001',
      suppressed: { email: 'bounced' },
    });
  });

  it('refuses invalid traits by field, writing nothing', async () => {
    const world = customersWorld();
    const error = await putCustomer(world.deps, world.settings, 'alice', {
      phone: '12',
      birthday: '1990-13-01',
    })
      .then(() => null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['phone', 'birthday']);
    expect(world.table.size()).toBe(0);
  });
});
