import { DynamoRefreshResultStore } from '../../../shared/adapters/dynamodb/refresh-result-store.js';
import { DynamoSegmentStore } from '../../../shared/adapters/dynamodb/segment-store.js';
import { backtestPeriodSchema } from '../../../shared/domain/segments/predictions/backtest.js';
import { json, jsonBody, parseBody } from '../../../shared/http/responses.js';
import { backtest, getModel } from '../../../shared/use-cases/segments/predictions.js';
import type { ApiDeps, ApiRoute } from '../context.js';

/** Predictions: the shop's repurchase model, and a backtest of it on the shop's own orders. */
export function predictionRoutes(deps: ApiDeps): ApiRoute[] {
  const results = new DynamoRefreshResultStore(deps.doc, deps.tableName);
  const segments = new DynamoSegmentStore(deps.doc, deps.tableName);
  return [
    {
      method: 'GET',
      path: '/v1/predictions/model',
      run: async ({ shop }) => json(200, await getModel(results, shop)),
    },
    {
      method: 'POST',
      path: '/v1/predictions/backtest',
      run: async ({ shop, event }) =>
        json(
          200,
          await backtest(
            { segments, clock: deps.clock },
            shop,
            parseBody(backtestPeriodSchema, jsonBody(event)),
          ),
        ),
    },
  ];
}
