import * as crypto from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { RateLimitedError, UnauthorizedError } from '../../../../../shared/domain/errors.js';
import { httpErrors } from '../../../../../shared/http/responses.js';
import { withoutSenderTenants } from '../../../../../shared/ports/sending/sender-tenants.js';
import { authenticate, enforceRateLimit } from '../../../../../shared/use-cases/shops/api-keys.js';
import { addKey, addShop, listKeys, revokeKey } from '../../../../../shared/use-cases/shops/shop-admin.js';
import { FakeClock } from '../../../../support/fakes/clock.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';

// The comparison that must not leak timing is watched, not replaced.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

async function shopWithKey(overrides: Record<string, unknown> = {}) {
  const store = new FakeShopStore();
  const clock = new FakeClock();
  const { shopId, apiKey } = await addShop(
    store,
    withoutSenderTenants,
    { name: 'Tea House', ...overrides },
    clock.now(),
  );
  return { store, clock, shopId, apiKey };
}

describe('authenticating a request', () => {
  it('answers with the shop a bearer key belongs to, comparing hashes in constant time', async () => {
    const { store, apiKey } = await shopWithKey();
    vi.mocked(crypto.timingSafeEqual).mockClear();
    expect(await authenticate(store, apiKey)).toMatchObject({ shopId: 'tea-house' });
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it('refuses a revoked key, an unknown key and a malformed key alike', async () => {
    const { store, clock, shopId, apiKey } = await shopWithKey();
    const { apiKey: second } = await addKey(store, shopId, clock.now());
    await revokeKey(store, shopId, apiKey.slice(0, 12), clock.now());
    await expect(authenticate(store, apiKey)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authenticate(store, `hk_${'x'.repeat(32)}`)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authenticate(store, 'not-a-key')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authenticate(store, undefined)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(await authenticate(store, second)).toMatchObject({ shopId });
  });

  it('refuses a malformed key before looking anything up', async () => {
    const { store, apiKey } = await shopWithKey();
    await expect(authenticate(store, `${apiKey}!`)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(store.lookups).toBe(0);
  });

  it('lists keys by prefix without their hashes, and revokes a key once', async () => {
    const { store, clock, shopId, apiKey } = await shopWithKey();
    expect(await listKeys(store, shopId)).toEqual([
      { shopId, prefix: apiKey.slice(0, 12), createdAt: clock.iso(), revokedAt: undefined },
    ]);
    await revokeKey(store, shopId, apiKey.slice(0, 12), clock.now());
    await expect(revokeKey(store, shopId, apiKey.slice(0, 12), clock.now())).rejects.toThrow('not found');
  });
});

describe('rate limiting a shop', () => {
  it('answers 429 past the shop’s requests per second, and lets it through the next second', async () => {
    const { store, clock, shopId } = await shopWithKey({ rateLimitPerSecond: 3 });
    const shop = await store.getShop(shopId);
    if (!shop) throw new Error('no shop');
    for (let i = 0; i < 3; i++) await enforceRateLimit(store, shop, clock.now());
    const error = await enforceRateLimit(store, shop, clock.now()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);

    const request = { error } as Parameters<NonNullable<ReturnType<typeof httpErrors>['onError']>>[0];
    await httpErrors(new Logger({ logLevel: 'SILENT' })).onError?.(request);
    expect(request.response).toMatchObject({ statusCode: 429, headers: { 'retry-after': '1' } });

    clock.advance({ seconds: 1 });
    await expect(enforceRateLimit(store, shop, clock.now())).resolves.toBeUndefined();
  });
});
