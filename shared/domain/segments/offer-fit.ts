import type { Channel, Traits } from '../customers/profile.js';

/**
 * Offer fit: whom a basket-raising offer suits. A free-shipping threshold, or "spend X, get Y off"
 * tiers, suits customers whose usual basket (average order value) lies just under a threshold:
 * at least `lowerShare` of it and below it. Amounts here are minor units.
 *
 * A free-shipping threshold is one tier without a reward. With several tiers a customer goes to the
 * lowest tier above their average order value, if it is within reach; a higher tier is never closer.
 * Customers at or above the top threshold get nothing: they already reach the best reward, and an
 * offer meant to raise baskets has nothing to ask of them.
 */

export interface OfferTier {
  /** Minor units. */
  threshold: number;
  /** What the tier takes off, minor units; absent for free shipping. */
  reward?: number;
}

export interface Offer {
  /** Ordered by threshold, thresholds distinct. */
  tiers: OfferTier[];
  /** The share of a threshold from which it is within reach, in (0, 1). */
  lowerShare: number;
}

/** Average order values [lo, hi), minor units. */
export interface ValueRange {
  lo: number;
  hi: number;
}

export interface OfferCandidate {
  customerId: string;
  traits: Traits;
  /** Minor units; 0 without a paid order. */
  averageOrderValue: number;
  paidOrderCount: number;
}

export interface OfferFit {
  customerId: string;
  averageOrderValue: number;
  tier: OfferTier;
  /** What the customer's usual basket lacks to reach the tier, minor units. */
  gap: number;
}

/** Builds an offer, ordering the tiers; throws on repeated thresholds or a share outside (0, 1). */
export function offerOf(tiers: OfferTier[], lowerShare: number): Offer {
  if (!(lowerShare > 0 && lowerShare < 1)) throw new RangeError(`lowerShare ${lowerShare} is not in (0, 1)`);
  const sorted = [...tiers].sort((a, b) => a.threshold - b.threshold);
  if (sorted.length === 0) throw new RangeError('an offer has at least one tier');
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]?.threshold === sorted[i - 1]?.threshold)
      throw new RangeError(`threshold ${sorted[i]?.threshold} given twice`);
  return { tiers: sorted, lowerShare };
}

/**
 * The smallest average order value (whole minor units) within reach of a threshold. The product is
 * rounded to a millionth first so that 0.7 × 100 is 70, not 70.00000000000001 and so 71.
 */
export function reachFrom(threshold: number, lowerShare: number): number {
  return Math.ceil(Math.round(threshold * lowerShare * 1e6) / 1e6);
}

/** The values the offer suits, as few disjoint ranges as possible, ascending: what a store reads. */
export function offerRanges(offer: Offer): ValueRange[] {
  const ranges: ValueRange[] = [];
  for (const { threshold } of offer.tiers) {
    const lo = reachFrom(threshold, offer.lowerShare);
    const last = ranges.at(-1);
    if (last && lo <= last.hi) last.hi = threshold;
    else ranges.push({ lo, hi: threshold });
  }
  return ranges;
}

/** Whether the shop may send marketing on the channel: consent given, not suppressed, a contact to send to. */
export function marketingReachable(traits: Traits, channel: Channel): boolean {
  const contact = channel === 'email' ? traits.email : traits.phone;
  return Boolean(contact) && traits.consent?.[channel]?.marketing === true && !traits.suppressed?.[channel];
}

/** The tier a customer fits, or null: no paid order, not reachable on the channel, or no tier within reach. */
export function fitOffer(offer: Offer, channel: Channel, candidate: OfferCandidate): OfferFit | null {
  if (candidate.paidOrderCount === 0 || !marketingReachable(candidate.traits, channel)) return null;
  const aov = candidate.averageOrderValue;
  const tier = offer.tiers.find((t) => t.threshold > aov);
  if (!tier || aov < reachFrom(tier.threshold, offer.lowerShare)) return null;
  return { customerId: candidate.customerId, averageOrderValue: aov, tier, gap: tier.threshold - aov };
}
