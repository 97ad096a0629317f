import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { importDeps } from '../../../shared/adapters/dynamodb/import-deps.js';
import { DynamoShopStore } from '../../../shared/adapters/dynamodb/shop-store.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { ShopSettings } from '../../../shared/domain/shops/shop.js';
import { type ImportDeps, importHistory } from '../../../shared/use-cases/intake/import-history.js';
import { call, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { orderPaid, orderPlaced, orderRefunded } from '../../support/events.js';

/** Rows as a shop exports them from its order system (CSV columns, already split). */
const rows = [
  {
    orderId: 'H-1',
    customerId: 'hist-1',
    phone: '13600000001',
    placedAt: '2024-03-01T10:00:00+08:00',
    paidAt: '2024-03-01T10:01:00+08:00',
    total: '199.00',
    currency: 'CNY',
    category: 'tea',
  },
  {
    orderId: 'H-2',
    customerId: 'hist-1',
    placedAt: '2024-05-01T10:00:00+08:00',
    paidAt: '2024-05-01T10:01:00+08:00',
    total: '59.90',
    currency: 'CNY',
    couponCode: 'MAY5',
    refundedAmount: '10',
    refundedAt: '2024-05-03T10:00:00+08:00',
  },
  {
    orderId: 'H-3',
    customerId: 'hist-2',
    placedAt: '2024-06-01T10:00:00+08:00',
    total: '35',
    currency: 'CNY',
  },
];

let imported: Shop;
let viaApi: Shop;
let settings: (shopId: string) => Promise<ShopSettings>;
let deps: (shop: ShopSettings) => ImportDeps;

async function* iterate(list: unknown[]) {
  yield* list;
}

beforeAll(async () => {
  imported = await newShop();
  viaApi = await newShop();
  useStackDynamoDb();
  const doc = createDocumentClient();
  const shops = new DynamoShopStore(doc, stack().tableName);
  settings = async (id) => (await shops.getShop(id)) as ShopSettings;
  deps = (shop) => importDeps(doc, stack().tableName, shop);
});

describe('history import', () => {
  it('gives the same stats as sending the same orders through the API, and is idempotent', async () => {
    const shop = await settings(imported.shopId);
    const report = await importHistory(deps(shop), shop, () => iterate([...rows, rows[0]]), {
      now: new Date(),
    });
    // One event per paid order (placed, with its payment time), one per refund: four, and the repeated row once.
    expect(report).toEqual({ rows: 4, accepted: 4, duplicates: 1, customers: 0 });
    expect(await importHistory(deps(shop), shop, () => iterate(rows), { now: new Date() })).toEqual({
      rows: 3,
      accepted: 0,
      duplicates: 4,
      customers: 0,
    });

    await call(viaApi, 'POST', '/v1/events', {
      events: [
        orderPlaced(
          { customerId: 'hist-1', phone: '13600000001' },
          { orderId: 'H-1', total: 199, at: '2024-03-01T10:00:00+08:00' },
        ),
        orderPaid({ customerId: 'hist-1' }, 'H-1', '2024-03-01T10:01:00+08:00'),
        orderPlaced(
          { customerId: 'hist-1' },
          { orderId: 'H-2', total: 59.9, at: '2024-05-01T10:00:00+08:00', coupon: 'MAY5' },
        ),
        orderPaid({ customerId: 'hist-1' }, 'H-2', '2024-05-01T10:01:00+08:00'),
        orderRefunded({ customerId: 'hist-1' }, 'H-2', 10, '2024-05-03T10:00:00+08:00'),
        orderPlaced({ customerId: 'hist-2' }, { orderId: 'H-3', total: 35, at: '2024-06-01T10:00:00+08:00' }),
      ],
    });
    await settle();
    for (const id of ['hist-1', 'hist-2']) {
      const a = await call(imported, 'GET', `/v1/customers/${id}`);
      const b = await call(viaApi, 'GET', `/v1/customers/${id}`);
      expect(a.body.stats).toEqual(b.body.stats);
      expect(a.body.tier).toEqual(b.body.tier);
    }
    expect((await call(imported, 'GET', '/v1/customers/hist-1')).body.stats).toMatchObject({
      paidOrderCount: 2,
      totalSpend: 248.9,
    });
  });

  it('writes nothing when any row is wrong, and names the rows', async () => {
    const shop = await settings(imported.shopId);
    const bad = [
      { ...rows[0], orderId: 'B-1' },
      { ...rows[1], orderId: 'B-2', total: 'abc' },
      { ...rows[2], orderId: 'B-3', placedAt: 'yesterday' },
    ];
    const error = await importHistory(deps(shop), shop, () => iterate(bad), { now: new Date() }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => `${i.index}:${i.path}`)).toEqual([
      '1:row.1.total',
      '2:row.2.occurredAt',
    ]);
    expect(await importHistory(deps(shop), shop, () => iterate([bad[0]]), { now: new Date() })).toMatchObject(
      {
        accepted: 1,
      },
    );
  });

  it('imports customers with their traits, and links them to the orders by phone', async () => {
    const shop = await settings(imported.shopId);
    const file = [
      {
        customerId: 'hist-3',
        name: '林晓',
        phone: '139 1234 5678',
        email: 'Lin.Xiao@Example.com',
        birthday: '1990-04-12',
        region: 'Zhejiang',
        tags: 'wholesale|oolong',
        emailMarketing: 'true',
        smsMarketing: '',
      },
      {
        ...rows[2],
        orderId: 'H-4',
        customerId: undefined,
        phone: '+86 139-1234-5678',
        paidAt: rows[0]?.paidAt,
      },
    ];
    expect(await importHistory(deps(shop), shop, () => iterate(file), { now: new Date() })).toEqual({
      rows: 2,
      accepted: 1,
      duplicates: 0,
      customers: 1,
    });
    await settle();
    const customer = (await call(imported, 'GET', '/v1/customers/hist-3')).body;
    expect(customer.traits).toEqual({
      name: '林晓',
      phone: '+8613912345678',
      email: 'lin.xiao@example.com',
      birthday: '1990-04-12',
      region: 'Zhejiang',
      tags: ['wholesale', 'oolong'],
      consent: { email: { marketing: true } },
    });
    expect(customer.stats.paidOrderCount).toBe(1);
  });

  it('pauses when asked and resumes where it stopped, writing each row once', async () => {
    const shop = await settings(viaApi.shopId);
    const many = Array.from({ length: 600 }, (_, i) => ({
      ...rows[0],
      orderId: `R-${i}`,
      customerId: `resume-${i % 20}`,
      phone: undefined,
    }));
    const first = await importHistory(deps(shop), shop, () => iterate(many), {
      now: new Date(),
      shouldPause: () => true,
      chunkRows: 500,
    });
    expect(first).toMatchObject({ rows: 500, accepted: 500, resumeAt: 500 });
    const rest = await importHistory(deps(shop), shop, () => iterate(many), {
      now: new Date(),
      resumeAt: first.resumeAt,
      chunkRows: 500,
    });
    expect(rest).toEqual({ rows: 600, accepted: 100, duplicates: 0, customers: 0 });
    await settle();
    const stats = (await call(viaApi, 'GET', '/v1/customers/resume-0')).body.stats;
    expect(stats.paidOrderCount).toBe(30);
  });

  it('rejects a customer row with a bad phone or id, naming the row', async () => {
    const shop = await settings(imported.shopId);
    const error = await importHistory(
      deps(shop),
      shop,
      () =>
        iterate([
          { customerId: 'ok-1', name: 'A' },
          { customerId: 'bad id!', phone: '12' },
          { customerId: 'c', phone: '12' },
        ]),
      { now: new Date() },
    ).catch((e) => e);
    expect((error as ValidationError).issues.map((i) => `${i.index}:${i.path}`)).toEqual([
      '1:row.1.customerId',
      '2:row.2.phone',
    ]);
  });
});
