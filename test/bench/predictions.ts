/**
 * Fit time of the shop repurchase model: 100,000 simulated customers (BG/NBD purchases in days,
 * Gamma-Gamma spend, a year of acquisition) through `fitShopModel`, from ISO order times to fitted
 * BG/NBD and Gamma-Gamma with standard errors. `npx tsx test/bench/predictions.ts` prints the figure.
 */

import { pathToFileURL } from 'node:url';
import type { BgNbdParams } from '../../shared/domain/segments/predictions/bgnbd.js';
import { fitShopModel } from '../../shared/domain/segments/predictions/predict.js';
import { simulateShop } from '../support/purchase-simulation.js';

const asOf = '2026-06-30T12:00:00.000Z';
const truth: BgNbdParams = { r: 0.25, alpha: 28, a: 0.8, b: 2.5 };

export async function benchPredictions(
  customers = 100_000,
): Promise<{ customers: number; fitMillis: number; params: BgNbdParams | undefined }> {
  const shop = simulateShop(truth, { p: 6, q: 4, gamma: 15 }, customers, {
    seed: 2026,
    asOf,
    acquisitionDays: 365,
  });
  const model = fitShopModel(shop, { asOf });
  if (model.method !== 'bgnbd') throw new Error(`The BG/NBD was not fitted: ${model.fallbackReason}`);
  return { customers, fitMillis: model.fitMillis, params: model.params };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchPredictions();
  const p = result.params;
  console.log(
    `${result.customers} customers fitted in ${(result.fitMillis / 1000).toFixed(2)} s: ` +
      `r=${p?.r.toFixed(3)} alpha=${p?.alpha.toFixed(2)} days a=${p?.a.toFixed(3)} b=${p?.b.toFixed(3)} ` +
      `(simulated with r=${truth.r} alpha=${truth.alpha} a=${truth.a} b=${truth.b})`,
  );
}
