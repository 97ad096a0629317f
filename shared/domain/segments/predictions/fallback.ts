/**
 * The fallback where the BG/NBD cannot be fitted reliably: a customer buys again at their own median
 * interval between purchase occasions, or, with fewer than two occasions, at the shop's.
 */

import type { OrderSummary } from './history.js';

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median of the customers' own median intervals: one vote per repeat buyer, so frequent buyers do not dominate. */
export function shopMedianInterval(summaries: readonly OrderSummary[]): number | null {
  const medians: number[] = [];
  for (const s of summaries) {
    const m = median(s.intervalsDays);
    if (m !== null) medians.push(m);
  }
  return median(medians);
}

export interface IntervalRhythm {
  intervalDays: number;
  source: 'customer' | 'shop';
}

export function rhythmOf(summary: OrderSummary, shopMedianDays: number | null): IntervalRhythm | null {
  const own = median(summary.intervalsDays);
  if (own !== null && own > 0) return { intervalDays: own, source: 'customer' };
  if (shopMedianDays !== null && shopMedianDays > 0) return { intervalDays: shopMedianDays, source: 'shop' };
  return null;
}
