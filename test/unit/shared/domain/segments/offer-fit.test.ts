import { describe, expect, it } from 'vitest';
import { bandSpans } from '../../../../../shared/adapters/dynamodb/audience-store.js';
import type { Traits } from '../../../../../shared/domain/customers/profile.js';
import {
  fitOffer,
  marketingReachable,
  type OfferCandidate,
  offerOf,
  offerRanges,
  reachFrom,
} from '../../../../../shared/domain/segments/offer-fit.js';

const optedIn: Traits = { email: 'a@example.com', consent: { email: { marketing: true } } };
const buyer = (averageOrderValue: number, traits: Traits = optedIn): OfferCandidate => ({
  customerId: `c-${averageOrderValue}`,
  traits,
  averageOrderValue,
  paidOrderCount: 2,
});

// All amounts in minor units: 8000 is 80.00.
const freeShipping = offerOf([{ threshold: 8000 }], 0.6);
const tiers = offerOf(
  [
    { threshold: 15000, reward: 500 },
    { threshold: 10000, reward: 300 },
  ],
  0.6,
);

describe('free shipping from 80, lower share 0.6', () => {
  it('fits average order values in [48, 80), with the gap to 80', () => {
    expect(fitOffer(freeShipping, 'email', buyer(4799))).toBeNull();
    expect(fitOffer(freeShipping, 'email', buyer(4800))).toMatchObject({
      gap: 3200,
      tier: { threshold: 8000 },
    });
    expect(fitOffer(freeShipping, 'email', buyer(7999))).toMatchObject({ gap: 1 });
    expect(fitOffer(freeShipping, 'email', buyer(8000))).toBeNull();
  });

  it('leaves out customers without a paid order', () => {
    expect(fitOffer(freeShipping, 'email', { ...buyer(6000), paidOrderCount: 0 })).toBeNull();
  });

  it('reads one range', () => {
    expect(offerRanges(freeShipping)).toEqual([{ lo: 4800, hi: 8000 }]);
  });
});

describe('spend 100 get 3, spend 150 get 5', () => {
  it('puts each customer in the lowest tier above their basket, if within reach', () => {
    expect(fitOffer(tiers, 'email', buyer(5999))).toBeNull();
    expect(fitOffer(tiers, 'email', buyer(6000))).toMatchObject({
      tier: { threshold: 10000, reward: 300 },
      gap: 4000,
    });
    // 95 reaches 150's band too (from 90), but 100 is closer.
    expect(fitOffer(tiers, 'email', buyer(9500))).toMatchObject({ tier: { threshold: 10000 }, gap: 500 });
    expect(fitOffer(tiers, 'email', buyer(10000))).toMatchObject({
      tier: { threshold: 15000, reward: 500 },
      gap: 5000,
    });
    expect(fitOffer(tiers, 'email', buyer(14999))).toMatchObject({ gap: 1 });
  });

  it('gives nothing to customers already at the top tier', () => {
    expect(fitOffer(tiers, 'email', buyer(15000))).toBeNull();
    expect(fitOffer(tiers, 'email', buyer(40000))).toBeNull();
  });

  it('leaves out a basket between tiers when the next tier is out of reach', () => {
    const apart = offerOf(
      [
        { threshold: 10000, reward: 300 },
        { threshold: 30000, reward: 2000 },
      ],
      0.6,
    );
    expect(fitOffer(apart, 'email', buyer(15000))).toBeNull();
    expect(fitOffer(apart, 'email', buyer(18000))).toMatchObject({ tier: { threshold: 30000 }, gap: 12000 });
    expect(offerRanges(apart)).toEqual([
      { lo: 6000, hi: 10000 },
      { lo: 18000, hi: 30000 },
    ]);
  });

  it('merges ranges that meet', () => {
    expect(offerRanges(tiers)).toEqual([{ lo: 6000, hi: 15000 }]);
  });
});

describe('reach', () => {
  it('is the share of the threshold in whole minor units, without float dust', () => {
    expect(reachFrom(10000, 0.7)).toBe(7000);
    expect(reachFrom(100, 0.7)).toBe(70);
    expect(reachFrom(7999, 0.65)).toBe(5200);
  });

  it('refuses a share outside (0, 1) and a threshold given twice', () => {
    expect(() => offerOf([{ threshold: 8000 }], 1)).toThrow(RangeError);
    expect(() => offerOf([{ threshold: 8000 }, { threshold: 8000, reward: 1 }], 0.6)).toThrow(RangeError);
  });
});

describe('marketing reach on a channel', () => {
  it('needs consent given, a contact, and no suppression', () => {
    expect(marketingReachable(optedIn, 'email')).toBe(true);
    expect(marketingReachable({ consent: { email: { marketing: true } } }, 'email')).toBe(false);
    expect(marketingReachable({ email: 'a@example.com' }, 'email')).toBe(false);
    expect(
      marketingReachable({ ...optedIn, consent: { email: { marketing: false, care: true } } }, 'email'),
    ).toBe(false);
    expect(marketingReachable({ ...optedIn, suppressed: { email: 'bounced' } }, 'email')).toBe(false);
    // Consent on email says nothing about sms.
    expect(marketingReachable({ ...optedIn, phone: '+8613912345678' }, 'sms')).toBe(false);
    expect(
      marketingReachable({ phone: '+8613912345678', consent: { sms: { marketing: true } } }, 'sms'),
    ).toBe(true);
  });

  it('is checked before a fit', () => {
    expect(
      fitOffer(freeShipping, 'email', buyer(6000, { ...optedIn, suppressed: { email: 'complained' } })),
    ).toBeNull();
    expect(fitOffer(freeShipping, 'sms', buyer(6000))).toBeNull();
  });
});

describe('the index bands an audience reads (20% wide)', () => {
  // Band 47 holds 43.89–52.66, band 50 holds 75.84–91.00 (1.2^46 … 1.2^50 minor units).
  it('reads [48, 80) from bands 47 to 50: at most one band more at each end', () => {
    expect(bandSpans([{ lo: 4800, hi: 8000 }])).toEqual([[47, 50]]);
  });

  it('reads nothing of band 0 (no paid order), and separate spans for ranges apart', () => {
    expect(bandSpans([{ lo: 0, hi: 2 }])).toEqual([[1, 1]]);
    expect(
      bandSpans([
        { lo: 6000, hi: 10000 },
        { lo: 18000, hi: 30000 },
      ]),
    ).toEqual([
      [48, 51],
      [54, 57],
    ]);
  });
});
