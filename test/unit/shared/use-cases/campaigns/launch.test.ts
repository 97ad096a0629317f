import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { parseContactPolicySettings } from '../../../../../shared/domain/journeys/contact-policy.js';
import { isHeldOut, isInGlobalControl } from '../../../../../shared/domain/sending/holdout.js';
import { parseBody } from '../../../../../shared/http/responses.js';
import {
  cancelCampaign,
  createCampaign,
  runCampaignSchedule,
  updateCampaign,
} from '../../../../../shared/use-cases/campaigns/campaigns.js';
import { runLaunchTask } from '../../../../../shared/use-cases/campaigns/run-campaign.js';
import { simulateCampaign, simulateSchema } from '../../../../../shared/use-cases/campaigns/simulate.js';
import { putCustomer } from '../../../../../shared/use-cases/customers/put-customer.js';
import { freeShipping } from '../../../../support/campaigns.js';
import { customersWorld } from '../../../../support/customers.js';
import { FakeAudienceStore } from '../../../../support/fakes/audiences.js';
import {
  FakeCampaignQueue,
  FakeCampaignStore,
  FakeContactHistory,
  FakeCouponSecrets,
  FakeSendRequestQueue,
} from '../../../../support/fakes/campaigns.js';
import { FakeRefreshRunStore } from '../../../../support/fakes/refresh-runs.js';
import { FakeSegmentDefinitionStore } from '../../../../support/fakes/segment-definitions.js';
import { FakeSegmentStore } from '../../../../support/fakes/segments.js';
import { paidOrder } from '../../../../support/shop-events.js';

/** 40 customers just under 80 who may be emailed, 5 well above it, and 3 in the band who said no. */
async function world() {
  const w = customersWorld();
  const people: Array<[string, number, Record<string, unknown>]> = [];
  for (let i = 0; i < 40; i++)
    people.push([
      `fit-${i}`,
      50 + (i % 29),
      { email: `fit-${i}@example.com`, consent: { email: { marketing: true } } },
    ]);
  for (let i = 0; i < 5; i++)
    people.push([
      `big-${i}`,
      200,
      { email: `big-${i}@example.com`, consent: { email: { marketing: true } } },
    ]);
  for (let i = 0; i < 3; i++)
    people.push([`no-${i}`, 60, { email: `no-${i}@example.com`, consent: { email: { marketing: false } } }]);
  for (const [id, total, traits] of people) {
    await putCustomer({ profiles: w.profiles, clock: w.clock.now }, w.settings, id, traits);
    await w.apply(paidOrder({ customerId: id }, `${id}-1`, total, '2026-10-01T10:00:00Z'));
  }
  const deps = {
    segments: new FakeSegmentStore(w.table),
    audiences: new FakeAudienceStore(w.table),
    definitions: new FakeSegmentDefinitionStore(),
    results: w.results,
    runs: new FakeRefreshRunStore(),
    profiles: w.profiles,
    contacts: new FakeContactHistory(),
    coupons: new FakeCouponSecrets(),
    campaigns: new FakeCampaignStore(),
    queue: new FakeCampaignQueue(),
    sends: new FakeSendRequestQueue(),
    shops: { getShop: async (shopId: string) => (shopId === w.settings.shopId ? w.settings : null) },
    clock: w.clock.now,
  };
  return { w, deps };
}

type World = Awaited<ReturnType<typeof world>>;
type Deps = World['deps'];

/** Delivers every queued task, as the worker would; `twice` delivers each one a second time too. */
async function drain(deps: Deps, twice = false) {
  const reports = [];
  for (let tasks = deps.queue.take(); tasks.length > 0; tasks = deps.queue.take())
    for (const task of tasks) {
      reports.push(await runLaunchTask(deps, task));
      if (twice) reports.push(await runLaunchTask(deps, task));
    }
  return reports;
}

/** A marketing email the customer got a day before the clock's now, in the contact history. */
async function emailedYesterday(w: World['w'], deps: Deps, customerId: string) {
  const yesterday = new Date(w.clock.now().getTime() - 86_400_000).toISOString();
  await deps.contacts.record('tea', customerId, {
    sendId: 'earlier',
    at: yesterday,
    channel: 'email',
    purpose: 'marketing',
  });
}

const fitIds = Array.from({ length: 40 }, (_, i) => `fit-${i}`);

describe('launching a campaign', () => {
  it('shows the audience after the contact policy, then sends each treated customer once, a page delivered twice', async () => {
    const { w, deps } = await world();
    const answer = await createCampaign(deps, w.settings, freeShipping);
    const held = fitIds.filter(
      (id) => isInGlobalControl('tea', id) || isHeldOut('tea', id, { campaignId: answer.campaign.id }, 0.1),
    );
    expect(held.length).toBeGreaterThan(0);
    expect(answer.estimate).toMatchObject({
      audience: 40,
      send: 40 - held.length,
      complete: true,
      deferred: {},
      skipped: {},
    });
    expect(answer.estimate.heldOut + answer.estimate.globalControl).toBe(held.length);
    expect(answer).toMatchObject({ launched: true, created: true, campaign: { status: 'launched' } });
    // Nothing was queued to send by the estimate.
    expect(deps.sends.requests).toEqual([]);

    const reports = await drain(deps, true);
    expect(reports.map((r) => r.alreadyQueued)).toEqual([0, 40 - held.length]);
    const sends = deps.sends.requests.filter((r) => !r.withheld);
    expect(sends.map((r) => r.intent.customerId).sort()).toEqual(
      fitIds.filter((id) => !held.includes(id)).sort(),
    );
    expect(new Set(sends.map((r) => r.sendId)).size).toBe(sends.length);
    expect(sends.every((r) => r.templateId === 'campaign-free-shipping' && r.data?.offer)).toBe(true);
    // The holdout is recorded (a redelivery repeats the same send ids, which the sender takes once).
    const withheld = deps.sends.requests.filter((r) => r.withheld);
    expect(new Set(withheld.map((r) => r.intent.customerId))).toEqual(new Set(held));
    expect(new Set(withheld.map((r) => r.sendId)).size).toBe(held.length);
  });

  it('answers a retried POST with the same idempotency key with the first campaign and launches once', async () => {
    const { w, deps } = await world();
    const first = await createCampaign(deps, w.settings, freeShipping, 'key-1');
    const retry = await createCampaign(deps, w.settings, freeShipping, 'key-1');
    expect(retry).toMatchObject({ created: false, launched: false, campaign: { id: first.campaign.id } });
    expect(deps.queue.tasks).toHaveLength(1);
  });

  it('brings a capped customer back when the cap allows, through the campaign schedule', async () => {
    const { w, deps } = await world();
    const capped = fitIds.find(
      (id) => !isInGlobalControl('tea', id) && !isHeldOut('tea', id, { campaignId: 'x' }, 0),
    ) as string;
    await emailedYesterday(w, deps, capped);
    const answer = await createCampaign(deps, w.settings, { ...freeShipping, holdoutShare: 0 });
    const treatedCapped = !isInGlobalControl('tea', capped);
    expect(answer.estimate.deferred).toEqual(treatedCapped ? { 'activity-cap': 1 } : {});
    await drain(deps);
    expect(deps.sends.requests.some((r) => r.intent.customerId === capped)).toBe(false);
    const [deferral] = deps.campaigns.allDeferrals();
    expect(deferral).toMatchObject({ customers: [{ customerId: capped }] });
    // Not yet: the tick leaves it.
    expect(await runCampaignSchedule(deps)).toEqual({ runs: 0, deferrals: 0 });
    w.clock.set(deferral?.until as string);
    expect(await runCampaignSchedule(deps)).toEqual({ runs: 0, deferrals: 1 });
    await drain(deps);
    expect(deps.sends.requests.filter((r) => r.intent.customerId === capped && !r.withheld)).toHaveLength(1);
    expect(deps.campaigns.allDeferrals()).toEqual([]);
  });

  it('follows the shop’s own contact policy: two a week lets the customer emailed yesterday have this one now', async () => {
    const { w, deps } = await world();
    const twoAWeek = { messages: 2, days: 7 };
    w.settings.contactPolicy = parseContactPolicySettings({
      caps: { dormant: twoAWeek, warm: twoAWeek, active: twoAWeek },
    });
    const emailed = fitIds.find((id) => !isInGlobalControl('tea', id)) as string;
    await emailedYesterday(w, deps, emailed);
    const answer = await createCampaign(deps, w.settings, { ...freeShipping, holdoutShare: 0 });
    expect(answer.estimate.deferred).toEqual({});
    await drain(deps);
    expect(deps.sends.requests.filter((r) => r.intent.customerId === emailed && !r.withheld)).toHaveLength(1);
  });

  it('takes a coupon offer by the id of one of the shop’s rules, and keeps the rule as it was then', async () => {
    const { w, deps } = await world();
    const rule = {
      id: 'from-60-2-off',
      offer: { type: 'amountOff', minOrder: 60, off: 2 },
      validDays: 3,
      prefix: 'TEA',
    };
    w.settings.couponRules = [rule as never];
    const coupon = {
      ...freeShipping,
      offer: { type: 'coupon', rule: 'from-60-2-off' },
      audience: { segment: 'rfm:champions' },
      templateId: 'campaign-coupon',
      schedule: { at: '2026-12-01T02:00:00Z' },
    };
    const answer = await createCampaign(deps, w.settings, coupon);
    expect(answer.campaign.offer).toEqual({ type: 'coupon', rule });
    const error = await createCampaign(deps, w.settings, {
      ...coupon,
      offer: { type: 'coupon', rule: 'gone' },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['offer.rule']);
  });

  it('runs a recurring campaign at each cron time, each run its own occurrence, and stops when cancelled', async () => {
    const { w, deps } = await world();
    const weekly = { ...freeShipping, schedule: { cron: '0 10 * * 2' } };
    const answer = await createCampaign(deps, w.settings, weekly);
    // Monday 16:00 in Shanghai: the first run is Tuesday 10:00 there.
    expect(answer.campaign).toMatchObject({ status: 'scheduled', nextRunAt: '2026-11-03T02:00:00.000Z' });
    expect(deps.queue.tasks).toEqual([]);
    // Changed before it runs: allowed.
    const changed = await updateCampaign(deps, w.settings, answer.campaign.id, { ...weekly, name: 'Weekly' });
    expect(changed.campaign).toMatchObject({ name: 'Weekly', version: 2 });
    w.clock.set('2026-11-03T02:00:30Z');
    expect(await runCampaignSchedule(deps)).toEqual({ runs: 1, deferrals: 0 });
    expect(await runCampaignSchedule(deps)).toEqual({ runs: 0, deferrals: 0 });
    await drain(deps);
    const firstRun = deps.sends.requests.filter((r) => !r.withheld);
    expect(firstRun.length).toBeGreaterThan(0);
    expect(new Set(firstRun.map((r) => r.intent.occurrence))).toEqual(new Set(['2026-11-03T02:00:00.000Z']));
    await expect(updateCampaign(deps, w.settings, answer.campaign.id, weekly)).rejects.toThrow(/launched/);
    w.clock.set('2026-11-10T02:00:30Z');
    expect(await runCampaignSchedule(deps)).toEqual({ runs: 1, deferrals: 0 });
    await drain(deps);
    const secondRun = deps.sends.requests.filter(
      (r) => !r.withheld && r.intent.occurrence === '2026-11-10T02:00:00.000Z',
    );
    expect(secondRun.length).toBe(firstRun.length);
    await cancelCampaign(deps, w.settings, answer.campaign.id);
    w.clock.set('2026-11-17T02:00:30Z');
    expect(await runCampaignSchedule(deps)).toEqual({ runs: 0, deferrals: 0 });
  });

  it('sends nothing more for a campaign cancelled while its pages are queued', async () => {
    const { w, deps } = await world();
    const answer = await createCampaign(deps, w.settings, freeShipping);
    await cancelCampaign(deps, w.settings, answer.campaign.id);
    const reports = await drain(deps);
    expect(reports.map((r) => r.outcome)).toEqual(['skipped']);
    expect(deps.sends.requests).toEqual([]);
  });

  it('dry-runs a draft over the next days without queuing or writing anything', async () => {
    const { w, deps } = await world();
    const sim = await simulateCampaign(
      deps,
      w.settings,
      parseBody(simulateSchema, {
        campaign: { ...freeShipping, schedule: { cron: '0 10 * * 2' } },
        days: 14,
      }),
    );
    expect(sim.runs.map((r) => r.at)).toEqual(['2026-11-03T02:00:00.000Z', '2026-11-10T02:00:00.000Z']);
    // The second run finds last week's send within the warm weekly cap: deferred or sent a week on.
    expect(sim.runs[0]?.send).toBeGreaterThan(0);
    expect(sim.runs[1]?.send).toBe(sim.runs[0]?.send);
    expect(sim.messages.filter((m) => m.outcome === 'send')).not.toHaveLength(0);
    expect(deps.sends.requests).toEqual([]);
    expect(deps.queue.tasks).toEqual([]);
    expect(await deps.campaigns.list('tea')).toEqual([]);
    expect(() => parseBody(simulateSchema, { days: 3 })).toThrow(/campaign/);
  });
});
