import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { importDeps } from '../../../shared/adapters/dynamodb/import-deps.js';
import { keys } from '../../../shared/adapters/dynamodb/keys.js';
import { DynamoShopStore } from '../../../shared/adapters/dynamodb/shop-store.js';
import type { ShopSettings } from '../../../shared/domain/shops/shop.js';
import { importHistory } from '../../../shared/use-cases/intake/import-history.js';
import { call, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { orderPaid, orderPlaced, orderRefunded } from '../../support/events.js';

/**
 * A wholesale buyer with 5,000 orders next to a customer with five: both stored as one small profile
 * item, both read back the same way, stats exact; and the heavy buyer keeps taking live events.
 */
let shop: Shop;
let settings: ShopSettings;

const order = (i: number) => ({
  orderId: `WH-${i}`,
  customerId: i < 5 ? 'five' : 'wholesale',
  placedAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 2) * 3_600_000 * 7).toISOString(),
  paidAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 2) * 3_600_000 * 7 + 60_000).toISOString(),
  total: '12.5',
  currency: 'CNY',
  category: 'teaware',
});

async function profileItemBytes(customerId: string): Promise<number> {
  const out = await createDocumentClient().send(
    new GetCommand({ TableName: stack().tableName, Key: keys.customer(shop.shopId, customerId) }),
  );
  // Roughly as DynamoDB sizes an item: names and values, binary by its bytes.
  return Object.entries(out.Item ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      name.length +
      (value instanceof Uint8Array ? value.byteLength : Buffer.byteLength(JSON.stringify(value))),
    0,
  );
}

beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
  const doc = createDocumentClient();
  settings = (await new DynamoShopStore(doc, stack().tableName).getShop(shop.shopId)) as ShopSettings;
  const rows = Array.from({ length: 5005 }, (_, i) => order(i));
  await importHistory(
    importDeps(doc, stack().tableName, settings),
    settings,
    async function* () {
      yield* rows;
    },
    { now: new Date() },
  );
}, 600_000);

describe('a customer with 5,000 orders', () => {
  it('is stored and read like a customer with five', async () => {
    const heavy = await profileItemBytes('wholesale');
    const light = await profileItemBytes('five');
    // One write unit is 1 KB: the heavy buyer's profile stays within a couple of units of the light one.
    expect(heavy).toBeLessThan(light + 1024);
    expect(heavy).toBeLessThan(2048);
    const wholesale = await call(shop, 'GET', '/v1/customers/wholesale');
    expect(wholesale.status).toBe(200);
    expect(wholesale.body.stats).toMatchObject({ paidOrderCount: 5000, totalSpend: 62500 });
    expect(wholesale.body.recentEvents).toHaveLength(20);
    const five = await call(shop, 'GET', '/v1/customers/five');
    expect(five.body.stats).toMatchObject({ paidOrderCount: 5, totalSpend: 62.5 });
  });

  it('keeps taking live events exactly, including a refund of an order long moved out of its profile', async () => {
    const who = { customerId: 'wholesale' };
    const res = await call(shop, 'POST', '/v1/events', {
      events: [
        orderRefunded(who, 'WH-10', 12.5, '2026-10-01T00:00:00Z'),
        orderPlaced(who, { orderId: 'WH-LIVE', total: 100, at: '2026-10-02T00:00:00Z' }),
        orderPaid(who, 'WH-LIVE', '2026-10-02T00:01:00Z'),
      ],
    });
    expect(res.status).toBe(202);
    await settle();
    const after = await call(shop, 'GET', '/v1/customers/wholesale');
    // The refunded order no longer counts; the live one does.
    expect(after.body.stats).toMatchObject({ paidOrderCount: 5000, totalSpend: 62500 - 12.5 + 100 });
    expect(after.body.stats.lastOrderAt).toBe('2026-10-02T00:00:00.000Z');
    expect(await profileItemBytes('wholesale')).toBeLessThan(2048);
  });
});
