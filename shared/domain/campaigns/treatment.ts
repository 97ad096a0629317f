import type { Channel } from '../customers/profile.js';
import {
  type ContactPolicy,
  type ContactRecord,
  type Decision,
  type DeferReason,
  type DueMessage,
  decide,
} from '../journeys/contact-policy.js';
import { issueCoupon } from '../journeys/coupons.js';
import {
  activityLevel,
  type CustomerInput,
  defaultActivity,
  defaultLifecycle,
  defaultSaleDays,
  lifecycleStage,
  priceSensitivity,
} from '../segments/features.js';
import { isHeldOut, isInGlobalControl } from '../sending/holdout.js';
import { type SendIntent, sendIdOf } from '../sending/send-identity.js';
import type { SendRequest } from '../sending/send-request.js';
import { type Campaign, discountOfferTypes } from './campaign.js';

/**
 * What a campaign run does with one customer of its audience, decided without side effects: the
 * launch worker, the estimate and the dry run all call planCustomer, so what the shop is shown is
 * what is sent. In order:
 *
 * 1. The shop's global control group, then the campaign's holdout: a withheld request (tracked, never
 *    sent), whatever the customer's consent, so the groups compare like with like.
 * 2. The product role: a profit product's discount is withheld from loyal buyers; a traffic or
 *    marginal product's campaign goes first to price-sensitive and lapsed one-time buyers, the rest a
 *    second wave later (`secondWaveHours`).
 * 3. The contact policy (decide) with the customer's activity level, consent, suppression and what
 *    they were sent lately, on the first channel that reaches them: send, defer until a slot opens,
 *    or a withheld request with the policy's reason. Nobody is left out silently.
 */

export const campaignStep = 'launch';
/** Hours after the run a traffic or marginal product's campaign reaches its second wave. */
export const secondWaveHours = 24;
/** Days of sending history the policy needs: the longest cap window (dormant: once a month). */
export const historyDays = 31;

export interface CampaignCustomer {
  input: CustomerInput;
  /** The offer-fit tier for an offer-fit audience, currency units. */
  fit?: { threshold: number; reward?: number; gap: number };
  /** Messages sent (or queued) to the customer over the last `historyDays`. */
  sent: readonly ContactRecord[];
}

export interface CampaignRun {
  shopId: string;
  campaign: Campaign;
  /** `once`, or the recurring run's instant (schedule.ts occurrenceOf). */
  occurrence: string;
  /** When the run started: the first wave is due then. */
  startedAt: Date;
  policy: ContactPolicy;
  /** The shop's coupon secret; needed by coupon offers only. */
  couponSecret?: string;
  controlShare?: number;
}

export type Treatment =
  | { outcome: 'send'; request: SendRequest }
  | { outcome: 'withheld'; reason: string; request: SendRequest }
  | { outcome: 'defer'; reason: DeferReason; until: string; sendId: string; channel: Channel };

const addressReasons = new Set(['no-address', 'no-consent', 'unsubscribed', 'suppressed']);

export const withheldReasons = {
  globalControl: 'global-control',
  heldOut: 'held-out',
  profitToLoyal: 'profit-product-not-discounted-to-loyal',
} as const;

/** Lapsed one-time buyers and price-sensitive customers: who a traffic or marginal product reaches first. */
export function isFirstWave(input: CustomerInput, now: Date): boolean {
  if (priceSensitivity(input, new Set(defaultSaleDays)).priceSensitive) return true;
  const stage = lifecycleStage(input, null, defaultLifecycle, now.getTime());
  return input.paidOrderCount === 1 && (stage === 'at-risk' || stage === 'dormant' || stage === 'lost');
}

export function isLoyalBuyer(input: CustomerInput, now: Date): boolean {
  return lifecycleStage(input, null, defaultLifecycle, now.getTime()) === 'loyal';
}

export function intentOf(run: CampaignRun, customerId: string): SendIntent {
  return {
    shopId: run.shopId,
    customerId,
    source: { kind: 'campaign', campaignId: run.campaign.id },
    step: campaignStep,
    occurrence: run.occurrence,
  };
}

function dataOf(run: CampaignRun, customer: CampaignCustomer, sendId: string, now: Date) {
  const { offer, endsAt } = run.campaign;
  const common = { type: offer.type, ...(endsAt && { ends_on: endsAt.slice(0, 10) }) };
  const fit = customer.fit && { fit: customer.fit };
  switch (offer.type) {
    case 'free_shipping':
      return { offer: { ...common, threshold: offer.threshold, ...fit } };
    case 'tier_discount':
      return { offer: { ...common, tiers: offer.tiers, ...fit } };
    case 'coupon': {
      if (!run.couponSecret) throw new Error('a coupon campaign needs the shop’s coupon secret');
      const coupon = issueCoupon(offer.rule, sendId, customer.input.customerId, run.couponSecret, now);
      const o = offer.rule.offer;
      return {
        offer: common,
        coupon: {
          code: coupon.code,
          ruleId: coupon.ruleId,
          description:
            o.type === 'amountOff'
              ? `${o.off} off orders from ${o.minOrder}`
              : `free shipping from ${o.minOrder}`,
          validUntil: coupon.validUntil,
          expires_on: coupon.validUntil.slice(0, 10),
        },
      };
    }
    case 'new_arrivals':
    case 'price_rise':
    case 'care': {
      const { type: _t, ...rest } = offer;
      return { offer: { ...common, ...rest } };
    }
  }
}

/** The contact policy's decision on one channel. */
function decideOn(
  channel: Channel,
  message: Omit<DueMessage, 'channel'>,
  customer: CampaignCustomer,
  run: CampaignRun,
  now: Date,
): Decision {
  const { input } = customer;
  const contact = {
    customerId: input.customerId,
    activity: activityLevel(input, defaultActivity, now.getTime()),
    traits: input.traits ?? {},
    sent: customer.sent,
  };
  return decide([{ ...message, channel }], contact, run.policy, now)[0] as Decision;
}

/** What the run does with one customer at `now` (the run's start, or later for a deferred customer). */
export function planCustomer(run: CampaignRun, customer: CampaignCustomer, now: Date): Treatment {
  const { campaign } = run;
  const { customerId } = customer.input;
  const sendId = sendIdOf(intentOf(run, customerId));
  const base = {
    sendId,
    intent: intentOf(run, customerId),
    purpose: 'marketing' as const,
    templateId: campaign.templateId,
    ...(campaign.endsAt && { expiresAt: campaign.endsAt }),
    requestedAt: now.toISOString(),
  };
  const withheld = (reason: string, channel: Channel): Treatment => ({
    outcome: 'withheld',
    reason,
    request: { ...base, channel, withheld: { reason } },
  });
  const preferred = campaign.channels[0] as Channel;
  if (isInGlobalControl(run.shopId, customerId, run.controlShare))
    return withheld(withheldReasons.globalControl, preferred);
  if (isHeldOut(run.shopId, customerId, { campaignId: campaign.id }, campaign.holdoutShare))
    return withheld(withheldReasons.heldOut, preferred);
  const role = campaign.productRole;
  if (
    role === 'profit' &&
    discountOfferTypes.includes(campaign.offer.type) &&
    isLoyalBuyer(customer.input, now)
  )
    return withheld(withheldReasons.profitToLoyal, preferred);
  const firstWave = (role !== 'traffic' && role !== 'marginal') || isFirstWave(customer.input, now);
  const dueAt = new Date(run.startedAt.getTime() + (firstWave ? 0 : secondWaveHours * 3_600_000));
  const message = {
    messageId: sendId,
    customerId,
    purpose: 'marketing' as const,
    priority: firstWave ? 2 : 1,
    dueAt: dueAt.toISOString(),
    expiresAt: campaign.endsAt ?? null,
  };
  // The first channel that reaches the customer; if none does, the preferred channel's reason.
  const decisions = campaign.channels.map((channel) => ({
    channel,
    decision: decideOn(channel, message, customer, run, now),
  }));
  const chosen =
    decisions.find((d) => !(d.decision.outcome === 'drop' && addressReasons.has(d.decision.reason))) ??
    (decisions[0] as (typeof decisions)[number]);
  const { channel, decision } = chosen;
  switch (decision.outcome) {
    case 'send':
      return {
        outcome: 'send',
        request: { ...base, channel, data: dataOf(run, customer, sendId, now) },
      };
    case 'defer':
      return { outcome: 'defer', reason: decision.reason, until: decision.until, sendId, channel };
    case 'drop':
      return withheld(decision.reason, channel);
    case 'merged':
      // One message per customer and run: nothing to merge it into.
      throw new Error(`campaign message ${sendId} merged alone`);
  }
}

/** The marketing contact a queued send adds to the customer's history (for the next customers' plans). */
export function contactOf(request: SendRequest): ContactRecord {
  return { at: request.requestedAt, channel: request.channel, purpose: request.purpose };
}

/** Counts by outcome and reason, as a shop sees them before launching. */
export interface TreatmentCounts {
  audience: number;
  send: number;
  heldOut: number;
  globalControl: number;
  /** Waiting for a slot (quiet hours, caps, the second wave), by reason. */
  deferred: Record<string, number>;
  /** Not sent, with the reason recorded: the contact policy's drops and the product role, by reason. */
  skipped: Record<string, number>;
}

export function emptyCounts(): TreatmentCounts {
  return { audience: 0, send: 0, heldOut: 0, globalControl: 0, deferred: {}, skipped: {} };
}

export function count(counts: TreatmentCounts, t: Treatment): TreatmentCounts {
  counts.audience += 1;
  if (t.outcome === 'send') counts.send += 1;
  else if (t.outcome === 'defer') counts.deferred[t.reason] = (counts.deferred[t.reason] ?? 0) + 1;
  else if (t.reason === withheldReasons.heldOut) counts.heldOut += 1;
  else if (t.reason === withheldReasons.globalControl) counts.globalControl += 1;
  else counts.skipped[t.reason] = (counts.skipped[t.reason] ?? 0) + 1;
  return counts;
}
