import { describe, expect, it } from 'vitest';
import { emptyActivity, summarize } from '../../../../../shared/domain/customers/profile.js';
import { activityLevel, lifecycleStage } from '../../../../../shared/domain/segments/lifecycle.js';
import { isNightlyRefreshDue } from '../../../../../shared/domain/shops/schedule.js';

const now = new Date('2026-11-23T00:00:00.000Z');
const stats = (over: Partial<ReturnType<typeof summarize>>) => ({
  ...summarize(emptyActivity(), 'UTC'),
  ...over,
});
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

describe('lifecycle stage', () => {
  it.each([
    [stats({}), 'new'],
    [stats({ paidOrderCount: 1, lastOrderAt: daysAgo(10) }), 'honeymoon'],
    [stats({ paidOrderCount: 1, lastOrderAt: daysAgo(120) }), 'at-risk'],
    [stats({ paidOrderCount: 3, lastOrderAt: daysAgo(20), medianOrderIntervalDays: 30 }), 'repeat'],
    [stats({ paidOrderCount: 8, lastOrderAt: daysAgo(20), medianOrderIntervalDays: 30 }), 'loyal'],
    [stats({ paidOrderCount: 8, lastOrderAt: daysAgo(100), medianOrderIntervalDays: 30 }), 'at-risk'],
    [stats({ paidOrderCount: 4, lastOrderAt: daysAgo(200) }), 'dormant'],
    [stats({ paidOrderCount: 4, lastOrderAt: daysAgo(400) }), 'lost'],
  ])('%# is %s', (s, stage) => {
    expect(lifecycleStage(s, now)).toBe(stage);
  });

  it('grades activity by last seen', () => {
    expect(activityLevel(stats({ lastSeenAt: daysAgo(3) }), now)).toBe('active');
    expect(activityLevel(stats({ lastSeenAt: daysAgo(60) }), now)).toBe('warm');
    expect(activityLevel(stats({ lastSeenAt: null }), now)).toBe('dormant');
  });
});

describe('nightly refresh hour', () => {
  it("runs at the shop's 02:00, across time zones and DST", () => {
    expect(isNightlyRefreshDue(new Date('2026-11-22T18:00:00Z'), 'Asia/Shanghai')).toBe(true);
    expect(isNightlyRefreshDue(new Date('2026-11-22T19:00:00Z'), 'Asia/Shanghai')).toBe(false);
    // New York: 02:00 is 07:00Z in winter (EST) and 06:00Z in summer (EDT).
    expect(isNightlyRefreshDue(new Date('2026-01-10T07:00:00Z'), 'America/New_York')).toBe(true);
    expect(isNightlyRefreshDue(new Date('2026-07-10T06:00:00Z'), 'America/New_York')).toBe(true);
  });
});
