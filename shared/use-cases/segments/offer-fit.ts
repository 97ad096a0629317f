import { fromMinorUnits, toMinorUnits } from '../../domain/customers/money.js';
import type { Channel } from '../../domain/customers/profile.js';
import { summarize } from '../../domain/customers/profile.js';
import { fitOffer, offerOf, offerRanges } from '../../domain/segments/offer-fit.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { AudienceStore } from '../../ports/segments/audience-store.js';

/** An offer as a shop states it, in currency units: a free-shipping threshold or "spend X, get Y" tiers. */
export type OfferRequest =
  | { freeShippingThreshold: number; tiers?: undefined }
  | { tiers: Array<{ threshold: number; reward: number }>; freeShippingThreshold?: undefined };

export type OfferFitQuery = OfferRequest & {
  lowerShare: number;
  channel: Channel;
  limit: number;
  cursor?: string;
};

export interface OfferFitCustomer {
  customerId: string;
  averageOrderValue: number;
  threshold: number;
  /** The tier's reward; absent for free shipping. */
  reward?: number;
  gap: number;
}

export interface OfferFitPage {
  offer: OfferRequest & { lowerShare: number; channel: Channel };
  customers: OfferFitCustomer[];
  count: number;
  cursor?: string;
  /** Read capacity units this page consumed. */
  readUnits: number;
}

/**
 * The customers an offer fits, a page at a time: the store reads the customers whose value band
 * overlaps the offer's ranges, the domain keeps those it fits and may market to. A page holds at most
 * `limit` customers; it may hold fewer (or none) while a cursor says more remain.
 */
export async function findOfferFit(
  store: AudienceStore,
  shop: ShopSettings,
  query: OfferFitQuery,
): Promise<OfferFitPage> {
  const stated: OfferRequest =
    query.tiers === undefined
      ? { freeShippingThreshold: query.freeShippingThreshold }
      : { tiers: [...query.tiers].sort((a, b) => a.threshold - b.threshold) };
  const offer = offerOf(
    stated.tiers === undefined
      ? [{ threshold: toMinorUnits(stated.freeShippingThreshold) }]
      : stated.tiers.map((t) => ({ threshold: toMinorUnits(t.threshold), reward: toMinorUnits(t.reward) })),
    query.lowerShare,
  );
  const page = await store.candidatesByValue(shop.shopId, offerRanges(offer), {
    limit: query.limit,
    cursor: query.cursor,
  });
  const customers = page.candidates
    .flatMap((c) => {
      const stats = summarize(c.activity, shop.timeZone);
      const fit = fitOffer(offer, query.channel, {
        customerId: c.customerId,
        traits: c.traits,
        averageOrderValue: stats.averageOrderValue,
        paidOrderCount: stats.paidOrderCount,
      });
      return fit ? [fit] : [];
    })
    .sort((a, b) => a.gap - b.gap || (a.customerId < b.customerId ? -1 : 1))
    .map(
      (f): OfferFitCustomer => ({
        customerId: f.customerId,
        averageOrderValue: fromMinorUnits(f.averageOrderValue),
        threshold: fromMinorUnits(f.tier.threshold),
        ...(f.tier.reward === undefined ? {} : { reward: fromMinorUnits(f.tier.reward) }),
        gap: fromMinorUnits(f.gap),
      }),
    );
  return {
    offer: { ...stated, lowerShare: query.lowerShare, channel: query.channel },
    customers,
    count: customers.length,
    ...(page.cursor && { cursor: page.cursor }),
    readUnits: page.readUnits,
  };
}
