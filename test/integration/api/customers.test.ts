import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { customerPk, identityPk } from '../../../shared/adapters/dynamodb/keys.js';
import { call, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { orderPaid, orderPlaced } from '../../support/events.js';

let shop: Shop;
beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
});

/** Every item stored in these partitions (the customer's, the merged one's, the phone's). */
async function itemsIn(partitions: string[]): Promise<number> {
  const doc = createDocumentClient();
  let count = 0;
  for (const pk of partitions) {
    const out = await doc.send(
      new QueryCommand({
        TableName: stack().tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    count += out.Count ?? 0;
  }
  return count;
}

describe('/v1/customers/{id}', () => {
  it('stores traits with phone in E.164 and email normalised', async () => {
    const res = await call(shop, 'PUT', '/v1/customers/mei', {
      name: 'Li Mei',
      phone: '139 1234 5678',
      email: 'Mei.Li@Example.COM',
      birthday: '1990-04-12',
      tags: ['oolong'],
      consent: { email: { marketing: true, care: true }, sms: { marketing: false, care: true } },
    });
    expect(res.status).toBe(200);
    expect(res.body.traits).toMatchObject({ phone: '+8613912345678', email: 'mei.li@example.com' });
  });

  it('rejects unknown fields and bad values with their paths', async () => {
    const res = await call(shop, 'PUT', '/v1/customers/mei', {
      name: 'x',
      favouriteColour: 'red',
      birthday: '12/04/1990',
    });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      ['(root)', 'birthday'].sort(),
    );
  });

  it('merges two known customers who share a phone, keeping both histories', async () => {
    await call(shop, 'POST', '/v1/events', {
      events: [
        orderPlaced({ customerId: 'wechat-771' }, { orderId: 'W-1', total: 50, at: '2026-08-01T00:00:00Z' }),
        orderPaid({ customerId: 'wechat-771' }, 'W-1', '2026-08-01T00:01:00Z'),
      ],
    });
    await settle();
    await call(shop, 'PUT', '/v1/customers/wechat-771', { phone: '13912345678' });
    await call(shop, 'POST', '/v1/events', {
      events: [
        orderPlaced({ customerId: 'mei' }, { orderId: 'M-1', total: 30, at: '2026-09-01T00:00:00Z' }),
        orderPaid({ customerId: 'mei' }, 'M-1', '2026-09-01T00:01:00Z'),
      ],
    });
    await settle();
    const mei = await call(shop, 'GET', '/v1/customers/mei');
    expect(mei.body.mergedFrom).toEqual(['wechat-771']);
    expect(mei.body.stats).toMatchObject({ paidOrderCount: 2, totalSpend: 80 });
    // The merged-away id still answers, with the survivor.
    expect((await call(shop, 'GET', '/v1/customers/wechat-771')).body.customerId).toBe('mei');
  });

  it('erases a customer: PII and events gone, the id free again', async () => {
    const partitions = [
      customerPk(shop.shopId, 'mei'),
      customerPk(shop.shopId, 'wechat-771'),
      identityPk(shop.shopId, 'phone:+8613912345678'),
    ];
    // Profiles, events, the merge record and the phone's link are there before.
    expect(await itemsIn(partitions)).toBeGreaterThanOrEqual(6);
    expect((await call(shop, 'DELETE', '/v1/customers/mei')).status).toBe(204);
    expect(await itemsIn(partitions)).toBe(0);
    // The tombstone's key is a hash nobody can guess: look through the whole table, every page.
    const tombstones: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await createDocumentClient().send(
        new ScanCommand({
          TableName: stack().tableName,
          FilterExpression: 'begins_with(pk, :p)',
          ExpressionAttributeValues: { ':p': `SHOP#${shop.shopId}#TOMBSTONE#` },
          ExclusiveStartKey: start,
        }),
      );
      tombstones.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    // What reports need survives without the person: two paid orders, 80 spent (minor units inside).
    expect(tombstones).toEqual([expect.objectContaining({ paidOrderCount: 2, totalSpend: 8000 })]);
    expect(JSON.stringify(tombstones)).not.toMatch(/mei|wechat|8613912345678/i);
    expect((await call(shop, 'GET', '/v1/customers/mei')).status).toBe(404);
    expect((await call(shop, 'GET', '/v1/customers/wechat-771')).status).toBe(404);
    // A new customer may take the phone: no identity of the erased one is left behind.
    await call(shop, 'PUT', '/v1/customers/newcomer', { phone: '13912345678' });
    await call(shop, 'POST', '/v1/events', {
      events: [
        orderPlaced({ phone: '13912345678' }, { orderId: 'N-1', total: 5, at: '2026-10-01T00:00:00Z' }),
      ],
    });
    await settle();
    const newcomer = await call(shop, 'GET', '/v1/customers/newcomer');
    expect(newcomer.body.mergedFrom).toEqual([]);
    expect(newcomer.body.stats.unpaidOrderIds).toEqual(['N-1']);
  });

  it('serves the OpenAPI document', async () => {
    const doc = await call(null, 'GET', '/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/v1/events');
  });
});
