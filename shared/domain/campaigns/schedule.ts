import { Cron } from 'croner';
import type { CampaignSchedule } from './campaign.js';

/**
 * When a campaign runs. `{at: 'now'}` runs at launch, `{at: ISO}` once at that instant, `{cron}` on
 * the cron's times in its zone (the shop's when it names none): `0 10 * * 2` is 10:00 every Tuesday
 * on the shop's clock, whatever the offset that day (croner handles the DST changes).
 */

/** The first run strictly after `after`, or null when there is none (a one-time run already past). */
export function nextRunAfter(schedule: CampaignSchedule, shopTimeZone: string, after: Date): Date | null {
  if ('at' in schedule) {
    if (schedule.at === 'now') return null;
    const at = new Date(schedule.at);
    return at.getTime() > after.getTime() ? at : null;
  }
  const cron = new Cron(schedule.cron, { timezone: schedule.timeZone ?? shopTimeZone, paused: true });
  return cron.nextRun(after) ?? null;
}

/**
 * The first run of a campaign created at `now`: now itself for `{at: 'now'}`, the instant for
 * `{at}` (now if it is already past), the cron's next time after now.
 */
export function firstRun(schedule: CampaignSchedule, shopTimeZone: string, now: Date): Date {
  if ('at' in schedule) {
    if (schedule.at === 'now') return now;
    const at = new Date(schedule.at);
    return at.getTime() > now.getTime() ? at : now;
  }
  const next = nextRunAfter(schedule, shopTimeZone, now);
  if (!next) throw new Error(`cron ${schedule.cron} never runs`);
  return next;
}

/** The runs within [from, to): what a dry run plays. At most `limit`. */
export function runsWithin(
  schedule: CampaignSchedule,
  shopTimeZone: string,
  from: Date,
  to: Date,
  limit = 100,
): Date[] {
  const runs: Date[] = [];
  let next: Date | null = firstRun(schedule, shopTimeZone, from);
  while (next && next.getTime() < to.getTime() && runs.length < limit) {
    runs.push(next);
    next = 'cron' in schedule ? nextRunAfter(schedule, shopTimeZone, next) : null;
  }
  return runs;
}

/** The occurrence a run is known by in send ids: `once` for a one-time campaign, the run's instant otherwise. */
export function occurrenceOf(schedule: CampaignSchedule, runAt: Date): string {
  return 'cron' in schedule ? runAt.toISOString() : 'once';
}
