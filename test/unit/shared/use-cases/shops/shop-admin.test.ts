import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../../../shared/domain/errors.js';
import { withoutSenderTenants } from '../../../../../shared/ports/sending/sender-tenants.js';
import { authenticate } from '../../../../../shared/use-cases/shops/api-keys.js';
import { addShop, ensureShopTenant } from '../../../../../shared/use-cases/shops/shop-admin.js';
import { FakeSenderTenants } from '../../../../support/fakes/sender-tenants.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';

const now = new Date('2026-11-02T08:00:00Z');

describe('adding a shop', () => {
  it('keeps the shop’s own segment thresholds', async () => {
    const store = new FakeShopStore();
    const { shopId } = await addShop(
      store,
      withoutSenderTenants,
      { name: 'Slow Tea', segments: { saleDays: ['11-11', '2026-06-18'], lifecycle: { honeymoonDays: 60 } } },
      now,
    );
    expect((await store.getShop(shopId))?.segments).toEqual({
      saleDays: ['11-11', '2026-06-18'],
      lifecycle: { honeymoonDays: 60 },
    });
  });

  it('refuses unknown thresholds and bad sale days, by path', async () => {
    const error = await addShop(
      new FakeShopStore(),
      withoutSenderTenants,
      { name: 'x', segments: { saleDays: ['11/11'], lifecycle: { honeymoon: 60, loyalOrders: -1 } } },
      now,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'segments.lifecycle',
      'segments.lifecycle.loyalOrders',
      'segments.saleDays.0',
    ]);
  });
});

describe('a new shop’s tiers', () => {
  const tiers = [
    { name: 'member', minSpend: 0, priceFactor: 0.95 },
    { name: 'vip', minSpend: 5000, priceFactor: 0.9, benefits: ['10% off everything', 'Free shipping'] },
  ];

  it('keep the benefits the tier change notice lists', async () => {
    const store = new FakeShopStore();
    const { shopId } = await addShop(store, withoutSenderTenants, { name: 'Tiered Tea', tiers }, now);
    expect((await store.getShop(shopId))?.tiers).toEqual(tiers);
  });

  it('refuse a tier named twice and an empty benefit, by path', async () => {
    const error = await addShop(
      new FakeShopStore(),
      withoutSenderTenants,
      { name: 'x', tiers: [...tiers, { name: 'vip', minSpend: 9000, priceFactor: 0.85, benefits: [' '] }] },
      now,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'tiers.2.benefits.0',
      'tiers.2.name',
    ]);
  });
});

describe('a new shop’s sending tenant', () => {
  it('is made once, with the shop, before its first key', async () => {
    const store = new FakeShopStore();
    const tenants = new FakeSenderTenants();
    const created = await addShop(store, tenants, { name: 'Tea House' }, now);
    expect(created.tenant).toEqual({
      name: 'huitou-tea-house',
      arn: expect.stringContaining('tenant/huitou-tea-house/'),
    });
    expect(tenants.calls).toEqual(['tea-house']);
    expect(await authenticate(store, created.apiKey)).toMatchObject({ shopId: 'tea-house' });
  });

  it('is none where the deployment sends without tenants', async () => {
    expect(
      (await addShop(new FakeShopStore(), withoutSenderTenants, { name: 'Tea House' }, now)).tenant,
    ).toBeNull();
  });

  it('failing, leaves a shop without a key that asking again completes, with one tenant and one key', async () => {
    const store = new FakeShopStore();
    const tenants = new FakeSenderTenants();
    tenants.failNext();
    await expect(addShop(store, tenants, { name: 'Tea House' }, now)).rejects.toThrow(/rate exceeded/);
    expect(await store.listApiKeys('tea-house')).toEqual([]);

    const retried = await addShop(store, tenants, { name: 'Tea House', timeZone: 'Europe/Paris' }, now);
    expect(retried.tenant?.name).toBe('huitou-tea-house');
    expect(tenants.tenants.size).toBe(1);
    expect(await store.listApiKeys('tea-house')).toHaveLength(1);
    expect(await authenticate(store, retried.apiKey)).toMatchObject({ timeZone: 'Europe/Paris' });
  });

  it('does not let a finished shop be made again', async () => {
    const store = new FakeShopStore();
    const tenants = new FakeSenderTenants();
    await addShop(store, tenants, { name: 'Tea House' }, now);
    await expect(addShop(store, tenants, { name: 'Tea House' }, now)).rejects.toBeInstanceOf(ConflictError);
    expect(tenants.calls).toEqual(['tea-house']);
  });

  it('can be provisioned again for an existing shop (one made before tenants were on), and only for one', async () => {
    const store = new FakeShopStore();
    await addShop(store, withoutSenderTenants, { name: 'Tea House' }, now);
    const tenants = new FakeSenderTenants();
    expect(await ensureShopTenant(store, tenants, 'tea-house')).toEqual({
      shopId: 'tea-house',
      tenant: expect.objectContaining({ name: 'huitou-tea-house' }),
    });
    await expect(ensureShopTenant(store, tenants, 'no-such-shop')).rejects.toBeInstanceOf(NotFoundError);
    expect(tenants.calls).toEqual(['tea-house']);
  });
});
