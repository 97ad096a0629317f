import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../../shared/domain/errors.js';
import { applyNewEvents } from '../../../../../shared/use-cases/customers/apply-events.js';
import { putCustomer } from '../../../../../shared/use-cases/customers/put-customer.js';
import { type CustomersWorld, customersWorld } from '../../../../support/customers.js';
import { cartUpdated, paid, paidOrder, placed, refunded, viewed } from '../../../../support/shop-events.js';

const alice = { customerId: 'alice' };
const bob = { customerId: 'bob' };
const carol = { customerId: 'carol' };
const phone = '13600000001';

/** What a customer looks like from outside, less the timeline (events applied here are not stored). */
async function seen(world: CustomersWorld, customerId: string) {
  const { recentEvents: _recent, ...view } = await world.customer(customerId);
  return view;
}

/** A batch of a few customers' events: orders, a refund, browsing. */
function threeCustomersBatch() {
  return [
    ...paidOrder(alice, 'a1', 120, '2026-09-01T10:00:00Z'),
    viewed(alice, 'longjing', '2026-09-02T10:00:00Z'),
    ...paidOrder(alice, 'a2', 80, '2026-10-01T10:00:00Z'),
    ...paidOrder(bob, 'b1', 2_600, '2026-09-05T10:00:00Z'),
    refunded(bob, 'b1', 100, '2026-09-07T10:00:00Z'),
    viewed(carol, 'puer', '2026-10-03T10:00:00Z'),
    viewed(carol, 'puer', '2026-10-04T10:00:00Z'),
  ];
}

/** Ten paid orders on ten days: the profile keeps the latest few, the oldest are moved out. */
async function heavyBuyer() {
  const world = customersWorld();
  const days = Array.from({ length: 10 }, (_, i) =>
    new Date(Date.UTC(2026, 0, 10 + 7 * i, 10)).toISOString(),
  );
  await world.apply(days.flatMap((at, i) => paidOrder(alice, `o${i + 1}`, 100, at)));
  return world;
}

describe('applying events', () => {
  it('writes each customer once per batch, however many events and however named', async () => {
    const world = customersWorld();
    await putCustomer(world.deps, world.settings, 'alice', { phone });
    const before = world.profiles.commits.length;
    const failed = await world.apply([
      ...threeCustomersBatch(),
      // Alice again, by phone alone: the same customer, so the same write.
      ...paidOrder({ phone }, 'a3', 60, '2026-10-05T10:00:00Z'),
    ]);
    expect(failed.size).toBe(0);
    const written = world.profiles.commits.slice(before).map((p) => p.profile.customerId);
    expect(written.sort()).toEqual(['alice', 'bob', 'carol']);
    expect((await world.stats('alice')).paidOrderCount).toBe(3);
  });

  it('changes nothing and writes nothing when the same events come again', async () => {
    const world = customersWorld();
    await world.apply(threeCustomersBatch());
    const state = world.table.snapshot();
    const attempts = world.profiles.attempts.length;
    world.clock.advance({ hours: 3 });
    expect((await world.apply(threeCustomersBatch())).size).toBe(0);
    expect(world.profiles.attempts.length).toBe(attempts);
    expect(world.table.snapshot()).toEqual(state);
  });

  it('after a crash part-way and a retry, counts every customer as if applied once', async () => {
    const batch = threeCustomersBatch();
    const world = customersWorld();
    let crashed = false;
    world.profiles.beforeCommit = (plan) => {
      if (plan.profile.customerId !== 'bob' || crashed) return;
      crashed = true;
      throw new Error('connection reset');
    };
    const failed = await world.apply(batch);
    expect([...failed].sort()).toEqual(['bob:b1:paid', 'bob:b1:placed', 'bob:b1:refund']);
    // The stream retries from the first failed record, so alice's and carol's events come again too.
    await world.apply(batch.slice(batch.findIndex((e) => e.customerId === 'bob')));
    await world.apply(batch);

    const once = customersWorld();
    await once.apply(batch);
    for (const id of ['alice', 'bob', 'carol']) expect(await seen(world, id)).toEqual(await seen(once, id));
  });

  it('counts a payment that arrives before its order once the order is in', async () => {
    const [order, payment] = paidOrder(alice, 'a1', 120, '2026-09-01T10:00:00Z') as [object, object];
    const late = customersWorld();
    await late.apply([payment]);
    expect(await late.stats('alice')).toMatchObject({ paidOrderCount: 0, unpaidOrderIds: [] });
    await late.apply([order]);

    const inOrder = customersWorld();
    await inOrder.apply([order, payment]);
    expect(await late.stats('alice')).toMatchObject({ paidOrderCount: 1, totalSpend: 120 });
    expect(await seen(late, 'alice')).toEqual(await seen(inOrder, 'alice'));
  });

  // Arrival order must not matter (profile.ts): an order delivered before the cart change it checked
  // out leaves no cart behind.
  it('clears the cart an order checked out even when the order arrives before the cart', async () => {
    const cart = cartUpdated(alice, ['longjing'], '2026-09-01T10:00:00Z');
    const order = placed(alice, 'a1', 38, '2026-09-01T10:05:00Z');
    const inOrder = customersWorld();
    await inOrder.apply([cart]);
    await inOrder.apply([order]);
    const orderFirst = customersWorld();
    await orderFirst.apply([order]);
    await orderFirst.apply([cart]);
    expect((await inOrder.customer('alice')).cart).toBeNull();
    expect((await orderFirst.customer('alice')).cart).toBeNull();
  });

  it('nets a late refund of an order moved out of the profile, in one atomic commit', async () => {
    const world = await heavyBuyer();
    await world.apply([refunded(alice, 'o1', 10, '2026-10-01T10:00:00Z')]);
    expect(world.profiles.commits.at(-1)).toMatchObject({
      atomic: true,
      archivedOrders: [{ orderId: 'o1' }],
    });
    expect(await world.stats('alice')).toMatchObject({ paidOrderCount: 10, totalSpend: 990 });
  });

  // A late event for an archived order takes its contribution out of the history and puts it back;
  // the day it was bought is remembered, so it is not counted again.
  it('does not count a purchase day again when a moved-out order is refunded', async () => {
    const world = await heavyBuyer();
    expect((await world.stats('alice')).purchaseDays).toBe(10);
    await world.apply([refunded(alice, 'o1', 10, '2026-10-01T10:00:00Z')]);
    expect((await world.stats('alice')).purchaseDays).toBe(10);
  });

  it('lands phone-only events on the customer who owns the phone, and shows them in its timeline', async () => {
    const world = customersWorld();
    await putCustomer(world.deps, world.settings, 'alice', { name: 'Alice', phone });
    await world.ingest(paidOrder({ phone: '136 0000 0001' }, 'a1', 120, '2026-09-01T10:00:00Z'));
    await world.settle();

    const view = await world.customer('alice');
    expect(view.stats).toMatchObject({ paidOrderCount: 1, totalSpend: 120 });
    expect(view.recentEvents.map((e) => e.type)).toEqual(['tier_changed', 'order_paid', 'order_placed']);
    const profiles = world.table.scan('SHOP#tea#CUST#').filter(({ item }) => item.type === 'profile');
    expect(profiles).toHaveLength(1);
  });

  it('merges two known customers who turn out to share a phone into the older, with both histories', async () => {
    const world = customersWorld();
    await putCustomer(world.deps, world.settings, 'old', { phone });
    await world.ingest(paidOrder({ customerId: 'old' }, 'o1', 100, '2026-08-01T10:00:00Z'));
    await world.settle();
    world.clock.advance({ days: 30 });
    await world.ingest(paidOrder({ customerId: 'new' }, 'n1', 50, '2026-09-01T10:00:00Z'));
    await world.settle();
    world.clock.advance({ days: 1 });
    await world.ingest([viewed({ customerId: 'new', phone }, 'puer', '2026-09-02T10:00:00Z')]);
    await world.settle();

    const view = await world.customer('new');
    expect(view).toMatchObject({ customerId: 'old', mergedFrom: ['new'] });
    expect(view.stats).toMatchObject({ paidOrderCount: 2, totalSpend: 150 });
    expect(view.recentEvents.map((e) => e.id).sort()).toEqual(
      [
        'new:n1:paid',
        'new:n1:placed',
        'new:view:puer:2026-09-02T10:00:00Z',
        'old:o1:paid',
        'old:o1:placed',
        'tier_changed:new:1',
        'tier_changed:old:2',
      ].sort(),
    );
    expect(await world.customer('old')).toEqual(view);
  });

  it('leaves what huitou emitted to journeys: a tier_changed back through the stream reads and writes no profile, even on a newer ladder', async () => {
    const world = customersWorld();
    await world.apply(paidOrder(alice, 'a1', 2_600, '2026-09-01T10:00:00Z'));
    const emitted = world.events
      .all('tea')
      .map((s) => s.event)
      .filter((e) => e.type === 'tier_changed');
    expect(emitted).toHaveLength(1);
    const before = await world.customer('alice');
    let reads = 0;
    const profiles = new Proxy(world.profiles, {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          reads += 1;
          return value.apply(target, args);
        };
      },
    });
    // The shop's ladder has moved on meanwhile: applied back, the event would re-tier her on it.
    const moved = { ...world.settings, tiers: [{ name: 'leaf', minSpend: 0, priceFactor: 1 }] };
    const failed = await applyNewEvents(
      { ...world.deps, profiles, shopSettings: async () => moved },
      emitted,
    );
    expect(failed.size).toBe(0);
    expect(reads).toBe(0);
    expect(await world.customer('alice')).toEqual(before);
  });

  it('retries a customer another writer changed first, losing neither change', async () => {
    const world = customersWorld();
    await world.apply(paidOrder(alice, 'a1', 120, '2026-09-01T10:00:00Z'));
    world.profiles.beforeCommit = async () => {
      world.profiles.beforeCommit = undefined;
      await world.apply(paidOrder(alice, 'a2', 80, '2026-09-02T10:00:00Z'));
    };
    expect((await world.apply(paidOrder(alice, 'a3', 60, '2026-09-03T10:00:00Z'))).size).toBe(0);
    expect(await world.stats('alice')).toMatchObject({ paidOrderCount: 3, totalSpend: 260 });
  });

  it('retries after a reported conflict, and gives up with a ConflictError when it keeps losing', async () => {
    const world = customersWorld();
    world.profiles.conflictNextCommits(1);
    expect((await world.apply(paidOrder(alice, 'a1', 120, '2026-09-01T10:00:00Z'))).size).toBe(0);
    expect(world.profiles.attempts).toHaveLength(2);
    expect(world.profiles.commits).toHaveLength(1);

    const errors: unknown[] = [];
    world.deps.onFailure = (error) => errors.push(error);
    world.profiles.conflictNextCommits(100);
    const failed = await world.apply([viewed(bob, 'puer', '2026-09-01T10:00:00Z')]);
    expect(failed).toEqual(new Set(['bob:view:puer:2026-09-01T10:00:00Z']));
    expect(errors).toEqual([expect.any(ConflictError)]);
  });
});

/** One customer's history: paid orders, an unpaid one, a refund, a late payment, browsing. */
const history = [
  ...paidOrder(alice, 'o1', 120, '2026-05-01T10:00:00Z'),
  ...paidOrder(alice, 'o2', 2_000, '2026-06-01T10:00:00Z'),
  refunded(alice, 'o2', 500, '2026-06-03T10:00:00Z'),
  placed(alice, 'o3', 40, '2026-07-01T10:00:00Z'),
  placed(alice, 'o4', 75.5, '2026-08-01T10:00:00Z'),
  paid(alice, 'o4', '2026-08-09T10:00:00Z'),
  viewed(alice, 'longjing', '2026-05-02T10:00:00Z'),
  viewed(alice, 'longjing', '2026-08-02T10:00:00Z'),
  viewed(alice, 'puer', '2026-07-02T10:00:00Z'),
];

/** The history in any order, cut into any batches. */
const batchings = fc
  .tuple(
    fc.shuffledSubarray(history, { minLength: history.length, maxLength: history.length }),
    fc.uniqueArray(fc.integer({ min: 1, max: history.length - 1 }), { maxLength: history.length - 1 }),
  )
  .map(([events, cuts]) => {
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), events.length];
    return bounds.slice(1).map((end, i) => events.slice(bounds[i], end));
  });

describe('applying events, whatever the delivery', () => {
  it('gives the same customer for any order and batching of its events', async () => {
    const once = customersWorld();
    await once.apply(history);
    const expected = await seen(once, 'alice');
    await fc.assert(
      fc.asyncProperty(batchings, async (batches) => {
        const world = customersWorld();
        for (const batch of batches) await world.apply(batch);
        expect(await seen(world, 'alice')).toEqual(expected);
      }),
    );
  });

  it('changes nothing when any prefix of what was delivered is delivered again', async () => {
    await fc.assert(
      fc.asyncProperty(batchings, fc.nat(), fc.nat(), async (batches, at, length) => {
        const plain = customersWorld();
        const replayed = customersWorld();
        const replayAfter = at % batches.length;
        for (const [i, batch] of batches.entries()) {
          await plain.apply(batch);
          await replayed.apply(batch);
          if (i !== replayAfter) continue;
          const delivered = batches.slice(0, i + 1).flat();
          const attempts = replayed.profiles.attempts.length;
          await replayed.apply(delivered.slice(0, 1 + (length % delivered.length)));
          expect(replayed.profiles.attempts.length).toBe(attempts);
        }
        expect(replayed.table.snapshot()).toEqual(plain.table.snapshot());
      }),
    );
  });
});
