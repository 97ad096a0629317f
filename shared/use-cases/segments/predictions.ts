import { NotFoundError, ValidationError } from '../../domain/errors.js';
import {
  type BacktestPeriod,
  type BacktestReport,
  backtestOf,
} from '../../domain/segments/predictions/backtest.js';
import { customerOrdersOf } from '../../domain/segments/predictions/from-profile.js';
import type { CustomerOrders } from '../../domain/segments/predictions/history.js';
import type { ShopModel } from '../../domain/segments/predictions/predict.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { RefreshResultStore } from '../../ports/segments/refresh-result-store.js';
import type { SegmentStore } from '../../ports/segments/segment-store.js';

/** The shop has no model until its first nightly refresh. */
export class NoModelYetError extends NotFoundError {
  constructor() {
    super('model');
    this.message = 'no model yet: the nightly refresh fits it';
  }
}

/** Primary course: the shop's repurchase model as the latest refresh fitted it. */
export async function getModel(results: RefreshResultStore, shop: ShopSettings): Promise<ShopModel> {
  const model = await results.getModel(shop.shopId);
  if (!model) throw new NoModelYetError();
  return model;
}

export interface BacktestDeps {
  segments: SegmentStore;
  clock: () => Date;
}

/**
 * Primary course: every live customer's orders (all shards, in parallel), a model fitted on those up
 * to calibrationEnd, and its predictions for the holdout against what happened. Reads the whole shop.
 */
export async function backtest(
  deps: BacktestDeps,
  shop: ShopSettings,
  period: BacktestPeriod,
): Promise<BacktestReport> {
  if (Date.parse(period.holdoutEnd) > deps.clock().getTime()) {
    // What happened after now is not known yet.
    throw new ValidationError([{ path: 'holdoutEnd', message: 'must not be in the future' }]);
  }
  const shards = await Promise.all(
    Array.from({ length: deps.segments.shards }, async (_, shard) => {
      const orders: CustomerOrders[] = [];
      for await (const page of deps.segments.customersOfShard(shop.shopId, shard)) {
        for (const { profile } of page) orders.push(customerOrdersOf(profile.activity, shop.timeZone));
      }
      return orders;
    }),
  );
  return backtestOf(shards.flat(), period);
}
