import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { customerShards, valueShardPk } from '../../../shared/adapters/dynamodb/keys.js';
import { chunk } from '../../../shared/domain/collections.js';
import { call, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { orderPlaced } from '../../support/events.js';

/**
 * A shop of 1,000 customers, 10 of whom (1%) fit free shipping from 80: the route returns exactly
 * them, without those who opted out, and reads under 3% of what reading every customer reads.
 */
const customers = 1000;
const at = '2026-09-01T10:00:00Z';
type Customer = { id: string; aov: number; traits: Record<string, unknown> };

const emailable = (id: string) => ({ email: `${id}@example.com`, consent: { email: { marketing: true } } });
const fits = [48, 50, 55.5, 60, 64.2, 70, 72, 75, 79, 79.99];
const population: Customer[] = [
  ...fits.map((aov, i) => ({ id: `fit-${i}`, aov, traits: emailable(`fit-${i}`) })),
  // Read through the edge bands (43.89–52.66 and 75.84–91.00), left out by their value.
  ...[44, 47.99, 80, 90.5].map((aov, i) => ({ id: `edge-${i}`, aov, traits: emailable(`edge-${i}`) })),
  // In range, but the shop may not email them.
  { id: 'said-no', aov: 60, traits: { ...emailable('said-no'), consent: { email: { marketing: false } } } },
  { id: 'no-email', aov: 60, traits: { consent: { email: { marketing: true } } } },
  { id: 'unsubscribes', aov: 66, traits: emailable('unsubscribes') },
];
// Everyone else well away from the bands read: small baskets (5–40) and large ones (100–999).
for (let i = 0; population.length < customers; i++) {
  const aov = i % 4 === 0 ? 5 + (i % 36) : 100 + ((i * 37) % 900);
  population.push({ id: `other-${i}`, aov, traits: emailable(`other-${i}`) });
}

let shop: Shop;

async function inParallel<T>(items: T[], workers: number, work: (item: T) => Promise<unknown>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await work(item);
    }),
  );
}

beforeAll(async () => {
  shop = await newShop({ rateLimitPerSecond: 100_000 });
  useStackDynamoDb();
  await inParallel(population, 8, async (c) => {
    const res = await call(shop, 'PUT', `/v1/customers/${c.id}`, c.traits);
    if (res.status !== 200) throw new Error(`PUT ${c.id}: ${res.status}`);
  });
  const events = [
    ...population
      .map((c) => orderPlaced({ customerId: c.id }, { orderId: `${c.id}-1`, total: c.aov, at }))
      .map((e) => ({ ...e, properties: { ...e.properties, paidAt: at } })),
    {
      id: 'unsub-1',
      type: 'unsubscribed',
      occurredAt: at,
      customerId: 'unsubscribes',
      properties: { channel: 'email' },
    },
  ];
  await inParallel(chunk(events, 100), 4, async (batch) => {
    const res = await call(shop, 'POST', '/v1/events', { events: batch });
    if (res.status !== 202) throw new Error(`POST /v1/events: ${res.status} ${JSON.stringify(res.body)}`);
  });
  await settle();
}, 300_000);

/**
 * Every customer of the shop, read the cheapest way this table allows: the 16 byValue shards whole,
 * then every customer item, eventually consistent as the audience reads them. Read units as reported.
 */
async function readEveryCustomer(): Promise<{ customers: number; readUnits: number }> {
  const doc = createDocumentClient();
  const table = stack().tableName;
  let readUnits = 0;
  const keyList: Array<Record<string, unknown>> = [];
  for (let shard = 0; shard < customerShards; shard++) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byValue',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': valueShardPk(shop.shopId, shard) },
          ExclusiveStartKey: start,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      keyList.push(...(out.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk })));
      start = out.LastEvaluatedKey;
    } while (start);
  }
  let read = 0;
  for (const part of chunk(keyList, 100)) {
    let request: BatchGetCommandOutput['UnprocessedKeys'] = { [table]: { Keys: part } };
    while (request && Object.keys(request).length > 0) {
      const out: BatchGetCommandOutput = await doc.send(
        new BatchGetCommand({ RequestItems: request, ReturnConsumedCapacity: 'TOTAL' }),
      );
      readUnits += (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      read += out.Responses?.[table]?.length ?? 0;
      request = out.UnprocessedKeys;
    }
  }
  return { customers: read, readUnits };
}

describe('GET /v1/audiences/offer-fit', () => {
  it('returns exactly the customers just under free shipping whom the shop may email', async () => {
    const res = await call(shop, 'GET', '/v1/audiences/offer-fit?freeShippingThreshold=80');
    expect(res.status).toBe(200);
    expect(res.body.cursor).toBeUndefined();
    expect(res.body.count).toBe(fits.length);
    const expected = fits
      .map((aov, i) => ({
        customerId: `fit-${i}`,
        averageOrderValue: aov,
        threshold: 80,
        gap: Math.round((80 - aov) * 100) / 100,
      }))
      .sort((a, b) => a.gap - b.gap);
    expect(res.body.customers).toEqual(expected);
  });

  it('reads under 3% of what reading every customer reads, for a 1% audience', async () => {
    const res = await call(shop, 'GET', '/v1/audiences/offer-fit?freeShippingThreshold=80');
    const everyone = await readEveryCustomer();
    expect(everyone.customers).toBe(customers);
    const ratio = res.body.readUnits / everyone.readUnits;
    console.info(
      `offer fit: ${res.body.count} of ${customers} customers, ${res.body.readUnits} read units; ` +
        `every customer: ${everyone.readUnits} read units; ratio ${(ratio * 100).toFixed(2)}%`,
    );
    expect(res.body.readUnits).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(0.03);
  });

  it('pages through the same audience with a small limit, each customer once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await call(
        shop,
        'GET',
        `/v1/audiences/offer-fit?freeShippingThreshold=80&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.count).toBeLessThanOrEqual(3);
      seen.push(...res.body.customers.map((c: { customerId: string }) => c.customerId));
      cursor = res.body.cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(fits.map((_, i) => `fit-${i}`).sort());
  });

  it('refuses a cursor of another query, and a query without an offer', async () => {
    const first = await call(shop, 'GET', '/v1/audiences/offer-fit?freeShippingThreshold=80&limit=3');
    const other = await call(
      shop,
      'GET',
      `/v1/audiences/offer-fit?freeShippingThreshold=200&cursor=${first.body.cursor}`,
    );
    expect(other.status).toBe(400);
    expect(other.body.issues.map((i: { path: string }) => i.path)).toEqual(['cursor']);
    const none = await call(shop, 'GET', '/v1/audiences/offer-fit?lowerShare=0.5');
    expect(none.status).toBe(400);
    expect(none.body.issues.map((i: { path: string }) => i.path)).toEqual(['freeShippingThreshold']);
  });
});
