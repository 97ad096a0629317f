import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { addShop } from '../../../../../shared/use-cases/shops/shop-admin.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';

const now = new Date('2026-11-02T08:00:00Z');

describe('adding a shop', () => {
  it('keeps the shop’s own segment thresholds', async () => {
    const store = new FakeShopStore();
    const { shopId } = await addShop(
      store,
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
