import { z } from 'zod';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import { createApiKey, createShop } from '../../shared/use-cases/api-keys.js';

/**
 * Shop and API-key administration on the local stack (what `npm run shop` calls). It is served only
 * by the local runtime, never by the shop-facing API.
 */
const createSchema = z.strictObject({
  name: z.string().min(1).max(128),
  shopId: z
    .string()
    .regex(/^[a-z0-9-]{2,40}$/)
    .optional(),
  timeZone: z.string().optional(),
  defaultRegion: z.string().length(2).optional(),
  currency: z.string().length(3).optional(),
  rateLimitPerSecond: z.number().int().positive().optional(),
});

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 32) || 'shop'
  );
}

let adminStore: DynamoShopStore | undefined;

export async function shopAdmin(method: string, path: string, body: string): Promise<[number, unknown]> {
  // Created on first use: the runtime sets the endpoint and table name before serving requests.
  adminStore ??= new DynamoShopStore(createDocumentClient(), process.env.TABLE_NAME as string);
  const store = adminStore;
  const parts = path.split('/').filter(Boolean).slice(2); // after _local/shops
  if (parts.length === 0 && method === 'POST') {
    const input = createSchema.safeParse(JSON.parse(body || '{}'));
    if (!input.success) return [400, { issues: input.error.issues }];
    const shopId = input.data.shopId ?? slug(input.data.name);
    if (await store.getShop(shopId)) return [409, { message: `shop ${shopId} exists` }];
    const overrides = Object.fromEntries(
      Object.entries({
        timeZone: input.data.timeZone,
        defaultRegion: input.data.defaultRegion,
        currency: input.data.currency,
        rateLimitPerSecond: input.data.rateLimitPerSecond,
      }).filter(([, v]) => v !== undefined),
    );
    const { settings, key } = await createShop(store, { shopId, name: input.data.name, overrides }, now());
    return [201, { shopId: settings.shopId, apiKey: key }];
  }
  if (parts.length === 0 && method === 'GET')
    return [200, (await store.listShops()).map((s) => ({ shopId: s.shopId, name: s.name }))];
  const [shopId, what, prefix] = parts;
  if (!shopId || what !== 'keys' || !(await store.getShop(shopId))) return [404, { message: 'no such shop' }];
  if (method === 'GET' && !prefix) {
    return [200, (await store.listApiKeys(shopId)).map(({ hash: _hash, ...visible }) => visible)];
  }
  if (method === 'POST' && !prefix)
    return [201, { shopId, apiKey: (await createApiKey(store, shopId, now())).key }];
  if (method === 'DELETE' && prefix) {
    return (await store.revokeApiKey(shopId, prefix, now().toISOString()))
      ? [200, { revoked: prefix }]
      : [404, { message: 'no such active key' }];
  }
  return [405, { message: 'unsupported' }];
}
