import type { CustomerPrediction } from '../segments/predictions/predict.js';
import type { StoredEvent } from './events.js';
import { fromMinorUnits } from './money.js';
import { type Cart, type Profile, type ProfileStats, summarize, type Traits } from './profile.js';

/** A customer as the API shows it: money in the shop's currency units, as it came in. */
export interface CustomerView {
  customerId: string;
  createdAt: string;
  traits: Traits;
  /** The profile's stats, with totalSpend and averageOrderValue in currency units. */
  stats: ProfileStats;
  tier: string | null;
  segments: string[];
  mergedFrom: string[];
  cart: Cart | null;
  viewed: {
    products: Array<{ sku: string; count: number; lastAt: string }>;
    categories: Array<{ category: string; count: number; lastAt: string }>;
  };
  recentEvents: Array<Pick<StoredEvent, 'id' | 'type' | 'occurredAt'>>;
  /** From the shop's repurchase model, clv12 in currency units; null before a model or a paid order. */
  predictions: CustomerPrediction | null;
}

export function customerView(
  profile: Profile,
  timeZone: string,
  recent: StoredEvent[],
  prediction: CustomerPrediction | null = null,
): CustomerView {
  const stats = summarize(profile.activity, timeZone);
  const byRecency = <T extends { lastAt: string }>(xs: T[]) =>
    xs.sort((a, b) => (a.lastAt < b.lastAt ? 1 : -1));
  return {
    customerId: profile.customerId,
    createdAt: profile.createdAt,
    traits: profile.traits,
    stats: {
      ...stats,
      totalSpend: fromMinorUnits(stats.totalSpend),
      averageOrderValue: fromMinorUnits(stats.averageOrderValue),
    },
    tier: profile.tier,
    segments: profile.segments,
    mergedFrom: profile.mergedFrom,
    cart: profile.activity.cart,
    viewed: {
      products: byRecency(
        Object.entries(profile.activity.productViews).map(([sku, v]) => ({
          sku,
          count: v.count,
          lastAt: v.lastAt,
        })),
      ),
      categories: byRecency(
        Object.entries(profile.activity.categoryViews).map(([category, v]) => ({
          category,
          count: v.count,
          lastAt: v.lastAt,
        })),
      ),
    },
    recentEvents: recent.map((e) => ({ id: e.id, type: e.type, occurredAt: e.occurredAt })),
    predictions:
      prediction && prediction.clv12 !== undefined
        ? { ...prediction, clv12: fromMinorUnits(prediction.clv12) }
        : prediction,
  };
}
