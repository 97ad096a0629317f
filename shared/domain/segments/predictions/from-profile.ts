import { instantOf } from '../../time-zones.js';
/**
 * A customer's purchase occasions as the repurchase model reads them, from the bounded profile.
 *
 * The profile keeps the latest orders as facts and folds older ones into `history`: sums, and a bit
 * per shop-local day with a paid order in the latest three years. The orders it gives are therefore
 * an approximation, exact in what the BG/NBD reads for up to three years of history:
 * - recent orders: each paid, not fully refunded one, at its placedAt, for its net amount;
 * - history days (the bits): one order at the day's shop-local noon, unless a recent order fell on
 *   that day, which then is the occasion; its time is the history's only record of the day, and
 *   noon keeps it on the same UTC date (what summarizeOrders counts) in zones within ±11 hours;
 * - history days older than the bits: one occasion at history.firstOrderAt, however many days there
 *   were (x is undercounted for such a customer; the first purchase, hence T, is right);
 * - spend: the history's net spend spread evenly over its purchase days (rounded to minor units),
 *   so a customer's mean spend per occasion is right and its spread across old days is not known.
 */

import { type Activity, contributionOf, dayOf } from '../../customers/profile.js';
import type { CustomerOrders, Order } from './history.js';
import { type CustomerPrediction, predict, type ShopModel } from './predict.js';

const dayMs = 86_400_000;

/** Noon of a shop-local day (YYYY-MM-DD) as an ISO instant. Clocks do not change at noon. */
export function localNoon(day: string, timeZone: string): string {
  const [year, month, d] = day.split('-').map(Number) as [number, number, number];
  return instantOf({ year, month, day: d, hour: 12, minute: 0 }, timeZone).toISOString();
}

/** The days whose bits are set, per year of `dayBits` (see markDay in profile.ts), as YYYY-MM-DD. */
function daysOf(dayBits: Record<string, string>): string[] {
  const days: string[] = [];
  for (const [year, bits] of Object.entries(dayBits)) {
    const jan1 = Date.UTC(Number(year), 0, 1);
    for (const [byte, value] of Buffer.from(bits, 'base64').entries()) {
      for (let bit = 0; bit < 8; bit++) {
        if (value & (1 << bit))
          days.push(new Date(jan1 + (byte * 8 + bit) * dayMs).toISOString().slice(0, 10));
      }
    }
  }
  return days;
}

export function customerOrdersOf(activity: Activity, timeZone: string): CustomerOrders {
  const orders: Order[] = [];
  /** A recent order's instant on each shop-local day that has one. */
  const recentDays = new Map<string, string>();
  for (const facts of Object.values(activity.orders)) {
    const c = contributionOf(facts);
    if (!c?.paid) continue;
    orders.push({ at: c.placedAt, amount: c.net });
    recentDays.set(dayOf(c.placedAt, timeZone), c.placedAt);
  }
  const h = activity.history;
  if (h.purchaseDays === 0) return { orders };
  const share = Math.round(h.netSpend / h.purchaseDays);
  const days = daysOf(h.dayBits);
  for (const day of days) {
    // On a day a recent order covers, the share joins that order's occasion (same instant).
    orders.push({ at: recentDays.get(day) ?? localNoon(day, timeZone), amount: share });
  }
  if (h.purchaseDays > days.length && h.firstOrderAt) {
    const first = dayOf(h.firstOrderAt, timeZone);
    if (!recentDays.has(first) && !days.includes(first)) orders.push({ at: h.firstOrderAt, amount: share });
  }
  return { orders };
}

/** The customer's figures as of asOf from the shop's model; null with no paid order by then. Money in minor units. */
export function predictionOf(
  model: ShopModel,
  activity: Activity,
  timeZone: string,
  asOf: string,
): CustomerPrediction | null {
  return predict(model, customerOrdersOf(activity, timeZone), asOf);
}
