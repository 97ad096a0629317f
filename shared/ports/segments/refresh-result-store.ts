import type { ShopSummary } from '../../domain/segments/engine.js';
import type { ShopModel } from '../../domain/segments/predictions/predict.js';

/** What one completed refresh found about the shop as a whole. */
export interface RefreshSummary extends ShopSummary {
  runId: string;
  /** Customers whose memberships the run changed. */
  changed: number;
  /** The instant the refresh computed as of. */
  asOf: string;
  finishedAt: string;
}

export interface RefreshResultStore {
  /** The repurchase model of the latest refresh; null before the first. */
  getModel(shopId: string): Promise<ShopModel | null>;
  saveModel(shopId: string, model: ShopModel): Promise<void>;
  /** The latest refresh's summary and the one before it (for "change since the last refresh"). */
  getSummaries(shopId: string): Promise<{ latest: RefreshSummary | null; previous: RefreshSummary | null }>;
  /** Saves a summary as the latest, the latest becoming the previous. */
  saveSummary(shopId: string, summary: RefreshSummary): Promise<void>;
}
