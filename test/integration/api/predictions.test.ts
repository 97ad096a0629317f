import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoRefreshResultStore } from '../../../shared/adapters/dynamodb/refresh-result-store.js';
import { fitShopModel } from '../../../shared/domain/segments/predictions/predict.js';
import { call, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';
import { placed } from '../../support/shop-events.js';

let shop: Shop;
beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
});

const bought = (customerId: string, orderId: string, at: string, total = 50) =>
  placed({ customerId }, orderId, total, at, { paidAt: at });

describe('/v1/predictions', () => {
  it('has no model before the nightly refresh, then the stored one, and customers show predictions from it', async () => {
    const none = await call(shop, 'GET', '/v1/predictions/model');
    expect(none.status).toBe(404);
    expect(none.body.message).toMatch(/no model yet/);

    await call(shop, 'POST', '/v1/events', {
      events: [
        bought('li', 'l1', '2025-05-01T02:00:00.000Z', 40),
        bought('li', 'l2', '2025-06-01T02:00:00.000Z', 60),
      ],
    });
    await settle();
    expect((await call(shop, 'GET', '/v1/customers/li')).body.predictions).toBeNull();

    const model = fitShopModel(
      [
        {
          orders: [
            { at: '2025-05-01T02:00:00.000Z', amount: 4000 },
            { at: '2025-06-01T02:00:00.000Z', amount: 6000 },
          ],
        },
      ],
      { asOf: '2025-07-01T00:00:00.000Z' },
    );
    await new DynamoRefreshResultStore(createDocumentClient(), stack().tableName).saveModel(
      shop.shopId,
      model,
    );

    const got = await call(shop, 'GET', '/v1/predictions/model');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(JSON.parse(JSON.stringify(model)));

    const li = (await call(shop, 'GET', '/v1/customers/li')).body;
    // Her own 31-day rhythm from her last order; a mean basket of 50 (currency units) per occasion.
    expect(li.predictions).toMatchObject({
      method: 'median-interval',
      median: 'customer',
      pAlive: null,
      nextOrderAt: '2025-07-02T02:00:00.000Z',
      spendMethod: 'customer-mean',
    });
    expect(li.predictions.clv12).toBeCloseTo((365.25 / 31) * 50, 2);
  });

  it('backtests on the orders before calibrationEnd: actual holdout occasions as the orders imply', async () => {
    await call(shop, 'POST', '/v1/events', {
      events: [
        bought('alice', 'a1', '2025-01-10T10:00:00.000Z'),
        bought('alice', 'a2', '2025-02-10T10:00:00.000Z'),
        bought('alice', 'a3', '2025-03-15T10:00:00.000Z'),
        bought('alice', 'a4', '2025-03-15T12:00:00.000Z'), // the same day: one occasion
        bought('alice', 'a5', '2025-04-20T10:00:00.000Z'), // after the holdout
        bought('bob', 'b1', '2025-01-20T10:00:00.000Z'),
        bought('carol', 'c1', '2025-03-10T10:00:00.000Z'), // first bought in the holdout: not compared
      ],
    });
    await settle();
    const res = await call(shop, 'POST', '/v1/predictions/backtest', {
      calibrationEnd: '2025-03-01T00:00:00Z',
      holdoutEnd: '2025-04-01T00:00:00Z',
    });
    expect(res.status).toBe(200);
    // Li's orders (May, June) are all after the holdout; Alice has 1 repeat before and 1 in it; Bob none.
    expect(res.body).toMatchObject({
      calibrationEnd: '2025-03-01T00:00:00.000Z',
      holdoutDays: 31,
      method: 'median-interval',
      customersUsed: 2,
      repeatBuyers: 1,
    });
    expect(res.body.fallbackReason).toMatch(/fewer than 100/);
    const actual = Object.fromEntries(
      res.body.buckets.map((b: { x: string; customers: number; actual: number }) => [
        b.x,
        [b.customers, b.actual],
      ]),
    );
    expect(actual).toEqual({
      '0': [1, 0],
      '1': [1, 1],
      '2': [0, 0],
      '3': [0, 0],
      '4': [0, 0],
      '5': [0, 0],
      '6': [0, 0],
      '7+': [0, 0],
    });
    // Both by a 31-day rhythm over 31 days: one occasion each.
    expect(res.body.total).toEqual({
      customers: 2,
      predicted: 2,
      actual: 1,
      predictedMean: 1,
      actualMean: 0.5,
    });
  });

  it('rejects a holdout that is too short, in the future, or not ISO, with paths', async () => {
    const bad = async (body: unknown) => {
      const res = await call(shop, 'POST', '/v1/predictions/backtest', body);
      expect(res.status).toBe(400);
      return res.body.issues.map((i: { path: string }) => i.path);
    };
    expect(await bad({ calibrationEnd: '2025-03-01T00:00:00Z', holdoutEnd: '2025-03-03T00:00:00Z' })).toEqual(
      ['holdoutEnd'],
    );
    expect(await bad({ calibrationEnd: '2025-03-01T00:00:00Z', holdoutEnd: '2999-01-01T00:00:00Z' })).toEqual(
      ['holdoutEnd'],
    );
    expect(await bad({ calibrationEnd: 'last March', holdoutEnd: '2025-04-01T00:00:00Z' })).toEqual([
      'calibrationEnd',
    ]);
  });
});
