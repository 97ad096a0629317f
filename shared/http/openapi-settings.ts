import { contactPolicySettingsSchema } from '../domain/journeys/contact-policy.js';
import { couponRulesBodySchema, tiersBodySchema } from '../use-cases/shops/shop-settings.js';
import { errorResponses, jsonOf, ref } from './openapi-parts.js';
import { jsonSchemaOf } from './openapi-segments.js';

/** The settings a shop edits itself: contact policy and coupon rules. */
export const settingsTags = [
  {
    name: 'settings',
    description: 'The shop’s own settings: how often and when customers hear from it, its coupons, its tiers',
  },
];

export const settingsSchemas = {
  ContactPolicy: {
    ...jsonSchemaOf(contactPolicySettingsSchema),
    description:
      'How often and when marketing may reach a customer, on the shop’s clock (its timeZone). `caps`: at ' +
      'most `messages` marketing messages within any `days` days, by activity level (defaults: dormant 1 ' +
      'in 30, warm 1 in 7, active 2 in 7); `marketingPerDay`: per calendar day (default 1); `quietHours`: ' +
      'marketing waits from `from` until `to`, may wrap midnight, null for none (default 21:00–09:00); ' +
      '`mergeWindowMinutes`: marketing due within this many minutes goes as one message (default 60); ' +
      '`marketingConsent`: opt-in needs a recorded yes (default), opt-out anything but a recorded no. ' +
      'Transactional messages skip caps, quiet hours and merging, never consent. A field left out takes ' +
      'its default.',
  },
  CouponRules: {
    ...jsonSchemaOf(couponRulesBodySchema),
    description:
      'The shop’s coupon rules, named by id from journeys (`coupon` on a send step, `rule` on a coupon ' +
      'step). `amountOff`: `off` currency units off an order of at least `minOrder`; `freeShipping` from ' +
      '`minOrder`. Each send gets its own code, valid `validDays` from issue.',
  },
  Tiers: {
    ...jsonSchemaOf(tiersBodySchema),
    description:
      'The shop’s tiers: a customer is in the highest tier whose `minSpend` (net spend, refunds taken off, ' +
      'in currency units) they reach, once they have a paid order. `priceFactor`: what a member pays as a ' +
      'share of list price (0.92 = 8% off); `benefits`: lines the tier change notice lists. Names are unique.',
  },
};

const policy = (description: string) => ({ description, content: jsonOf(ref('schemas', 'ContactPolicy')) });
const rules = (description: string) => ({ description, content: jsonOf(ref('schemas', 'CouponRules')) });
const tiers = (description: string) => ({ description, content: jsonOf(ref('schemas', 'Tiers')) });

export const settingsPaths = {
  '/v1/settings/contact-policy': {
    get: {
      operationId: 'getContactPolicy',
      summary: 'The shop’s contact policy (the defaults until it sets its own)',
      tags: ['settings'],
      responses: { '200': policy('The policy journeys and campaigns apply'), ...errorResponses(401, 429) },
    },
    put: {
      operationId: 'putContactPolicy',
      summary: 'Replace the shop’s contact policy; fields left out take their defaults',
      description:
        'Applies to messages decided from about a minute later (the runtimes cache shop settings briefly). ' +
        '`{}` restores the defaults.',
      tags: ['settings'],
      requestBody: { required: true, content: jsonOf(ref('schemas', 'ContactPolicy')) },
      responses: { '200': policy('The policy as stored'), ...errorResponses(400, 401, 413, 429) },
    },
  },
  '/v1/settings/coupon-rules': {
    get: {
      operationId: 'getCouponRules',
      summary: 'The shop’s coupon rules (the playbooks’ defaults until it sets its own)',
      tags: ['settings'],
      responses: { '200': rules('The rules'), ...errorResponses(401, 429) },
    },
    put: {
      operationId: 'putCouponRules',
      summary: 'Replace the shop’s coupon rules',
      description:
        'The whole set. A rule an enabled journey names cannot be left out (409 naming the journeys): ' +
        'disable or edit those first.',
      tags: ['settings'],
      requestBody: { required: true, content: jsonOf(ref('schemas', 'CouponRules')) },
      responses: { '200': rules('The rules as stored'), ...errorResponses(400, 401, 409, 413, 429) },
    },
  },
  '/v1/settings/tiers': {
    get: {
      operationId: 'getTiers',
      summary: 'The shop’s tiers (the defaults until it sets its own)',
      tags: ['settings'],
      responses: { '200': tiers('The tiers'), ...errorResponses(401, 429) },
    },
    put: {
      operationId: 'putTiers',
      summary: 'Replace the shop’s tiers',
      description:
        'The whole ladder. Each customer’s tier follows the new rules at their next change (an event, a ' +
        'customer PUT) or at the shop’s next nightly refresh, whichever comes first, with one ' +
        '`tier_changed` as for any move. Price factors and benefits apply to what is decided from about a ' +
        'minute later.',
      tags: ['settings'],
      requestBody: { required: true, content: jsonOf(ref('schemas', 'Tiers')) },
      responses: { '200': tiers('The tiers as stored'), ...errorResponses(400, 401, 413, 429) },
    },
  },
};
