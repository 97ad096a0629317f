import { describe, expect, it } from 'vitest';
import {
  type Campaign,
  campaignOf,
  parseCampaignInput,
} from '../../../../../shared/domain/campaigns/campaign.js';
import {
  type CampaignCustomer,
  type CampaignRun,
  count,
  emptyCounts,
  planCustomer,
} from '../../../../../shared/domain/campaigns/treatment.js';
import type { Traits } from '../../../../../shared/domain/customers/profile.js';
import { defaultContactPolicy } from '../../../../../shared/domain/journeys/contact-policy.js';
import type { CustomerInput } from '../../../../../shared/domain/segments/features.js';
import { isHeldOut, isInGlobalControl } from '../../../../../shared/domain/sending/holdout.js';
import { sendIdOf } from '../../../../../shared/domain/sending/send-identity.js';

const zone = 'Asia/Shanghai';
/** 10:00 in Shanghai, a Monday. */
const now = new Date('2026-11-02T02:00:00Z');
const day = 86_400_000;

function campaign(overrides: Record<string, unknown> = {}): Campaign {
  const input = parseCampaignInput({
    name: 'Free shipping over 80',
    offer: { type: 'free_shipping', threshold: 80 },
    audience: { offerFit: true },
    channels: ['email'],
    schedule: { at: 'now' },
    ...overrides,
  });
  return { ...campaignOf('tea', 'cmp-1', input, now, null), version: 1 };
}

function runOf(c: Campaign, at = now): CampaignRun {
  return {
    shopId: 'tea',
    campaign: c,
    occurrence: 'once',
    startedAt: at,
    policy: defaultContactPolicy(zone),
  };
}

const emailable: Traits = { email: 'a@example.com', consent: { email: { marketing: true } } };

/** A repeat customer seen this week: warm, not price-sensitive, not lapsed. */
function customer(
  customerId: string,
  over: Partial<CustomerInput> = {},
  sent: CampaignCustomer['sent'] = [],
): CampaignCustomer {
  return {
    input: {
      customerId,
      paidOrderCount: 3,
      totalSpend: 18_000,
      discountedOrderCount: 0,
      purchaseDays: 3,
      firstOrderAt: now.getTime() - 200 * day,
      lastOrderAt: now.getTime() - 20 * day,
      lastSeenAt: now.getTime() - 5 * day,
      firstOrderDay: '2026-04-16',
      recentContacts: 1,
      cartUpdatedAt: null,
      unpaidOrders: 0,
      lastUnpaidOrderAt: null,
      interestedCategories: [],
      interestedProducts: [],
      traits: emailable,
      ...over,
    },
    sent,
  };
}

/** Customer ids in neither the global control group nor the campaign's holdout (at 10%). */
const treatedIds = Array.from({ length: 400 }, (_, i) => `c-${i}`)
  .filter((id) => !isInGlobalControl('tea', id) && !isHeldOut('tea', id, { campaignId: 'cmp-1' }, 0.1))
  .slice(0, 20);
const id = treatedIds[0] as string;

describe('planCustomer', () => {
  it('sends at once in the shop’s day, with the offer and a deterministic send id', () => {
    const t = planCustomer(runOf(campaign()), { ...customer(id), fit: { threshold: 80, gap: 20 } }, now);
    const intent = {
      shopId: 'tea',
      customerId: id,
      source: { kind: 'campaign', campaignId: 'cmp-1' },
      step: 'launch',
      occurrence: 'once',
    } as const;
    expect(t).toEqual({
      outcome: 'send',
      request: {
        sendId: sendIdOf(intent),
        intent,
        channel: 'email',
        purpose: 'marketing',
        templateId: 'campaign-free-shipping',
        data: { offer: { type: 'free_shipping', threshold: 80, fit: { threshold: 80, gap: 20 } } },
        requestedAt: now.toISOString(),
      },
    });
  });

  it('withholds the global control group and the holdout, with their reasons, whatever their consent', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `c-${i}`);
    const control = ids.find((c) => isInGlobalControl('tea', c)) as string;
    const held = ids.find(
      (c) => !isInGlobalControl('tea', c) && isHeldOut('tea', c, { campaignId: 'cmp-1' }, 0.1),
    ) as string;
    const noConsent = { traits: { email: 'x@example.com' } };
    expect(planCustomer(runOf(campaign()), customer(control, noConsent), now)).toMatchObject({
      outcome: 'withheld',
      reason: 'global-control',
      request: { withheld: { reason: 'global-control' }, channel: 'email' },
    });
    expect(planCustomer(runOf(campaign()), customer(held, noConsent), now)).toMatchObject({
      outcome: 'withheld',
      reason: 'held-out',
    });
    // A zero share holds nobody out of the campaign.
    expect(planCustomer(runOf(campaign({ holdoutShare: 0 })), customer(held), now).outcome).toBe('send');
  });

  it('defers by the contact policy: quiet hours until 09:00, the weekly cap of a warm customer', () => {
    const late = new Date('2026-11-02T14:00:00Z'); // 22:00 in Shanghai
    expect(planCustomer(runOf(campaign(), late), customer(id), late)).toMatchObject({
      outcome: 'defer',
      reason: 'quiet-hours',
      until: '2026-11-03T01:00:00.000Z',
    });
    const yesterday = {
      at: new Date(now.getTime() - day).toISOString(),
      channel: 'email' as const,
      purpose: 'marketing' as const,
    };
    expect(planCustomer(runOf(campaign()), customer(id, {}, [yesterday]), now)).toMatchObject({
      outcome: 'defer',
      reason: 'activity-cap',
      until: new Date(now.getTime() + 6 * day).toISOString(),
    });
    // An offer that ends before the slot opens is not sent late: withheld with the reason.
    const ends = campaign({ endsAt: new Date(now.getTime() + 2 * day).toISOString() });
    expect(planCustomer(runOf(ends), customer(id, {}, [yesterday]), now)).toMatchObject({
      outcome: 'withheld',
      reason: 'activity-cap-past-expiry',
    });
  });

  it('never drops silently: no consent, unsubscribed and suppressed are withheld with the reason', () => {
    const cases: Array<[Traits, string]> = [
      [{ email: 'a@example.com' }, 'no-consent'],
      [{ email: 'a@example.com', consent: { email: { marketing: false } } }, 'unsubscribed'],
      [{ ...emailable, suppressed: { email: 'bounced' } }, 'suppressed'],
      [{ consent: { email: { marketing: true } } }, 'no-address'],
    ];
    for (const [traits, reason] of cases)
      expect(planCustomer(runOf(campaign()), customer(id, { traits }), now)).toMatchObject({
        outcome: 'withheld',
        reason,
        request: { withheld: { reason } },
      });
  });

  it('uses the first channel that reaches the customer', () => {
    const smsOnly: Traits = {
      email: 'a@example.com',
      consent: { email: { marketing: false }, sms: { marketing: true } },
      phone: '+8613912345678',
    };
    const both = campaign({ channels: ['email', 'sms'] });
    expect(planCustomer(runOf(both), customer(id, { traits: smsOnly }), now)).toMatchObject({
      outcome: 'send',
      request: { channel: 'sms' },
    });
    expect(planCustomer(runOf(both), customer(id), now)).toMatchObject({ request: { channel: 'email' } });
  });

  it('does not discount a profit product to loyal buyers, but tells them of new arrivals', () => {
    const loyal = { paidOrderCount: 6, purchaseDays: 6 };
    expect(planCustomer(runOf(campaign({ productRole: 'profit' })), customer(id, loyal), now)).toMatchObject({
      outcome: 'withheld',
      reason: 'profit-product-not-discounted-to-loyal',
    });
    expect(planCustomer(runOf(campaign({ productRole: 'profit' })), customer(id), now).outcome).toBe('send');
    const arrivals = campaign({
      productRole: 'profit',
      offer: { type: 'new_arrivals' },
      audience: { segment: 'rfm:loyal' },
      templateId: 'new-arrivals',
    });
    expect(planCustomer(runOf(arrivals), customer(id, loyal), now).outcome).toBe('send');
  });

  it('sends a traffic product first to price-sensitive and lapsed one-time buyers, the rest a day later', () => {
    const traffic = runOf(campaign({ productRole: 'traffic' }));
    const priceSensitive = { discountedOrderCount: 2 };
    const lapsedOneTimer = {
      paidOrderCount: 1,
      purchaseDays: 1,
      firstOrderAt: now.getTime() - 120 * day,
      lastOrderAt: now.getTime() - 120 * day,
    };
    expect(planCustomer(traffic, customer(id, priceSensitive), now).outcome).toBe('send');
    expect(planCustomer(traffic, customer(id, lapsedOneTimer), now).outcome).toBe('send');
    expect(planCustomer(traffic, customer(id), now)).toMatchObject({
      outcome: 'defer',
      reason: 'not-due',
      until: new Date(now.getTime() + day).toISOString(),
    });
    // When the second wave is due, it goes.
    const later = new Date(now.getTime() + day);
    expect(planCustomer(traffic, customer(id), later).outcome).toBe('send');
  });

  it('gives every send its own coupon code, the same on every retry', () => {
    const coupon = campaign({
      offer: {
        type: 'coupon',
        rule: { id: 'from-100-3-off', offer: { type: 'amountOff', minOrder: 100, off: 3 }, validDays: 14 },
      },
      audience: { segment: 'lifecycle:at-risk' },
      templateId: 'coupon',
    });
    const run = { ...runOf(coupon), couponSecret: 'a-secret-of-sixteen-plus' };
    const codes = treatedIds.slice(0, 10).map((c) => {
      const t = planCustomer(run, customer(c), now);
      if (t.outcome !== 'send') throw new Error(`${c}: ${t.outcome}`);
      return (t.request.data as { coupon: { code: string } }).coupon.code;
    });
    expect(new Set(codes).size).toBe(10);
    const again = planCustomer(run, customer(treatedIds[0] as string), now);
    expect(again.outcome === 'send' && (again.request.data as { coupon: { code: string } }).coupon.code).toBe(
      codes[0],
    );
  });

  it('counts outcomes by reason', () => {
    const c = campaign();
    const counts = [customer(id), customer(id, { traits: { email: 'x@example.com' } })]
      .map((x) => planCustomer(runOf(c), x, now))
      .reduce(count, emptyCounts());
    expect(counts).toEqual({
      audience: 2,
      send: 1,
      heldOut: 0,
      globalControl: 0,
      deferred: {},
      skipped: { 'no-consent': 1 },
    });
  });
});
