import type { ProfileStats } from '../customers/profile.js';

/**
 * Segments that change with the passing of time, not only with events, so the nightly refresh
 * recomputes them: lifecycle stage and activity level.
 */

export type LifecycleStage = 'new' | 'honeymoon' | 'repeat' | 'loyal' | 'at-risk' | 'dormant' | 'lost';
export type ActivityLevel = 'active' | 'warm' | 'dormant';

const dayMs = 86_400_000;
export const honeymoonDays = 90;
export const loyalOrders = 5;

function daysSince(iso: string | null, now: Date): number {
  return iso ? (now.getTime() - Date.parse(iso)) / dayMs : Number.POSITIVE_INFINITY;
}

export function lifecycleStage(stats: ProfileStats, now: Date): LifecycleStage {
  if (stats.paidOrderCount === 0) return 'new';
  const sinceLast = daysSince(stats.lastOrderAt, now);
  if (sinceLast > 365) return 'lost';
  if (sinceLast > 180) return 'dormant';
  // Overdue against the customer's own rhythm, with a floor for customers with no rhythm yet.
  const overdue = Math.max(90, 2 * (stats.medianOrderIntervalDays ?? 0));
  if (stats.paidOrderCount === 1) return sinceLast <= honeymoonDays ? 'honeymoon' : 'at-risk';
  if (sinceLast > overdue) return 'at-risk';
  return stats.paidOrderCount >= loyalOrders ? 'loyal' : 'repeat';
}

export function activityLevel(stats: ProfileStats, now: Date): ActivityLevel {
  const sinceSeen = daysSince(stats.lastSeenAt, now);
  if (sinceSeen <= 30) return 'active';
  if (sinceSeen <= 90) return 'warm';
  return 'dormant';
}

/** The time-dependent segments a profile belongs to, as stable names. */
export function timeSegments(stats: ProfileStats, now: Date): string[] {
  return [`lifecycle:${lifecycleStage(stats, now)}`, `activity:${activityLevel(stats, now)}`];
}
