import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaignOf, parseCampaignInput } from '../../../../../shared/domain/campaigns/campaign.js';
import {
  firstRun,
  nextRunAfter,
  occurrenceOf,
  runsWithin,
} from '../../../../../shared/domain/campaigns/schedule.js';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { localOf } from '../../../../../shared/domain/journeys/time.js';
import { freeShipping } from '../../../../support/campaigns.js';

function issues(body: unknown): Array<[string, string]> {
  try {
    parseCampaignInput(body);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => [i.path, i.message]);
    throw error;
  }
  return [];
}

describe('the campaign model', () => {
  it('takes the free-shipping body as written, with its default template', () => {
    const input = parseCampaignInput(freeShipping);
    const campaign = campaignOf('tea', 'c1', input, new Date('2026-11-02T08:00:00Z'), null);
    expect(campaign).toMatchObject({
      ...freeShipping,
      templateId: 'campaign-free-shipping',
      status: 'scheduled',
    });
    expect(parseCampaignInput({ ...freeShipping, holdoutShare: undefined }).holdoutShare).toBe(0.1);
  });

  it('answers every problem by its field path', () => {
    expect(issues({ ...freeShipping, offer: { type: 'free_shipping', threshold: -1 } })).toEqual([
      ['offer.threshold', expect.stringContaining('>0')],
    ]);
    expect(issues({ ...freeShipping, offer: { type: 'free_shipping', threshold: 80.001 } })).toEqual([
      ['offer.threshold', 'at most two decimal places'],
    ]);
    expect(issues({ ...freeShipping, schedule: { cron: '61 10 * * 2' } })).toEqual([
      ['schedule.cron', 'not a valid cron expression'],
    ]);
    expect(issues({ ...freeShipping, schedule: { cron: '0 10 * * 2', timeZone: 'Mars/Base' } })).toEqual([
      ['schedule.timeZone', 'not an IANA time zone'],
    ]);
    expect(issues({ ...freeShipping, channels: ['email', 'email'] })).toEqual([
      ['channels', 'each channel once'],
    ]);
    expect(issues({ ...freeShipping, audience: { discovered: 'gold' } })).toEqual([
      ['audience.discovered', 'a discover: id'],
    ]);
    expect(issues({ ...freeShipping, offer: { type: 'new_arrivals' } })).toEqual([
      ['audience.offerFit', expect.stringContaining('free_shipping or tier_discount')],
      ['templateId', 'no default template for a new_arrivals offer: name one'],
    ]);
    expect(
      issues({
        ...freeShipping,
        offer: {
          type: 'tier_discount',
          tiers: [
            { threshold: 100, reward: 3 },
            { threshold: 100, reward: 5 },
          ],
        },
        templateId: 'spend-more',
      }),
    ).toEqual([['offer.tiers', 'each threshold once']]);
    expect(
      issues({
        ...freeShipping,
        offer: {
          type: 'coupon',
          rule: { id: 'x', offer: { type: 'amountOff', minOrder: 10, off: 20 }, validDays: 7 },
        },
        audience: { segment: 'rfm:champions' },
        templateId: 'my-coupon',
      }),
    ).toEqual([['offer.rule.offer.off', 'the discount must be less than the minimum order']]);
    expect(
      issues({ ...freeShipping, schedule: { at: '2026-11-03T10:00:00Z' }, endsAt: '2026-11-03T09:00:00Z' }),
    ).toEqual([['endsAt', 'ends before it starts']]);
    expect(issues({ ...freeShipping, extra: 1 })).toEqual([['(root)', expect.stringContaining('extra')]]);
  });
});

describe('campaign schedules', () => {
  it('runs a weekly cron at 10:00 on the shop’s clock', () => {
    const schedule = { cron: '0 10 * * 2' };
    // Monday 2026-11-02 16:00 in Shanghai: the next Tuesday 10:00 there is 02:00 UTC.
    const next = nextRunAfter(schedule, 'Asia/Shanghai', new Date('2026-11-02T08:00:00Z'));
    expect(next?.toISOString()).toBe('2026-11-03T02:00:00.000Z');
    expect(occurrenceOf(schedule, next as Date)).toBe('2026-11-03T02:00:00.000Z');
    expect(
      runsWithin(
        schedule,
        'Asia/Shanghai',
        new Date('2026-11-02T08:00:00Z'),
        new Date('2026-11-20T00:00:00Z'),
      ).map((d) => d.toISOString()),
    ).toEqual(['2026-11-03T02:00:00.000Z', '2026-11-10T02:00:00.000Z', '2026-11-17T02:00:00.000Z']);
  });

  it('runs once for a time, at once for now', () => {
    const now = new Date('2026-11-02T08:00:00Z');
    expect(firstRun({ at: 'now' }, 'UTC', now)).toEqual(now);
    expect(occurrenceOf({ at: 'now' }, now)).toBe('once');
    expect(firstRun({ at: '2026-11-05T00:00:00Z' }, 'UTC', now).toISOString()).toBe(
      '2026-11-05T00:00:00.000Z',
    );
    expect(nextRunAfter({ at: '2026-11-05T00:00:00Z' }, 'UTC', new Date('2026-11-05T00:00:00Z'))).toBeNull();
  });

  it('keeps 10:00 local across DST changes: every run is a Tuesday 10:00 there, a week apart at most by an hour', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Sydney',
      'America/Santiago',
      'Asia/Shanghai',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.date({
          min: new Date('2024-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (zone, after) => {
          const next = nextRunAfter({ cron: '0 10 * * 2' }, zone, after) as Date;
          const local = localOf(next, zone);
          expect(next.getTime()).toBeGreaterThan(after.getTime());
          expect([local.hour, local.minute]).toEqual([10, 0]);
          expect(new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()).toBe(2);
          // No Tuesday skipped: the run is within a week (and a DST hour) of `after`.
          expect(next.getTime() - after.getTime()).toBeLessThanOrEqual(7 * 86_400_000 + 3_600_000);
          const following = nextRunAfter({ cron: '0 10 * * 2' }, zone, next) as Date;
          expect(Math.abs(following.getTime() - next.getTime() - 7 * 86_400_000)).toBeLessThanOrEqual(
            3_600_000,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
