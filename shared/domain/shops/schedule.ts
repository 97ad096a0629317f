/** When a shop's nightly work is due, in the shop's own time zone. */

export const nightlyRefreshHour = 2;

/** The hour (0-23) on the shop's wall clock at this instant. */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at);
  return Number(hour);
}

/** The hourly tick that falls in the shop's 02:00 hour runs its refresh (DST-safe: by wall clock). */
export function isNightlyRefreshDue(at: Date, timeZone: string): boolean {
  return localHour(at, timeZone) === nightlyRefreshHour;
}

/** The minute an instant falls in, as a sortable key: 2026-11-23T14:05. */
export function minuteKey(at: Date): string {
  return at.toISOString().slice(0, 16);
}
