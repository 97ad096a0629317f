import { z } from 'zod';
import { DynamoAudienceStore } from '../../../shared/adapters/dynamodb/audience-store.js';
import { json, parseBody } from '../../../shared/http/responses.js';
import { findOfferFit, type OfferFitQuery } from '../../../shared/use-cases/segments/offer-fit.js';
import type { ApiDeps, ApiRoute } from '../context.js';

const amount = '\\d{1,9}(?:\\.\\d{1,2})?';
const tiersPattern = new RegExp(`^${amount}:${amount}(?:,${amount}:${amount}){0,9}$`);

/** Currency units, at most two decimals, above zero. */
const money = z.coerce
  .number()
  .positive()
  .max(1e9)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimal places');

/** `100:3,150:5`: 3 off from 100, 5 off from 150; up to ten tiers, each threshold once. */
const tiersSchema = z
  .string()
  .regex(tiersPattern, 'threshold:reward pairs separated by commas, such as 100:3,150:5 (at most 10)')
  .transform((s) =>
    s.split(',').map((pair) => {
      const [threshold, reward] = pair.split(':').map(Number);
      return { threshold: threshold ?? 0, reward: reward ?? 0 };
    }),
  )
  .refine((tiers) => tiers.every((t) => t.threshold > 0 && t.reward > 0), 'thresholds and rewards above 0')
  .refine((tiers) => new Set(tiers.map((t) => t.threshold)).size === tiers.length, 'each threshold once');

export const offerFitQuerySchema = z
  .object({
    freeShippingThreshold: money.optional(),
    tiers: tiersSchema.optional(),
    lowerShare: z.coerce.number().gt(0).lt(1).default(0.6),
    channel: z.enum(['email', 'sms']).default('email'),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    cursor: z.string().min(1).max(4096).optional(),
  })
  .transform((q, ctx): OfferFitQuery => {
    const { freeShippingThreshold, tiers, ...rest } = q;
    if (tiers !== undefined && freeShippingThreshold === undefined) return { ...rest, tiers };
    if (freeShippingThreshold !== undefined && tiers === undefined) return { ...rest, freeShippingThreshold };
    ctx.addIssue({
      code: 'custom',
      message: 'give exactly one of freeShippingThreshold or tiers',
      path: ['freeShippingThreshold'],
    });
    return z.NEVER;
  });

/** Audiences: whom an offer fits, reading in proportion to the audience. */
export function audienceRoutes(deps: ApiDeps): ApiRoute[] {
  const audiences = new DynamoAudienceStore(deps.doc, deps.tableName);
  return [
    {
      method: 'GET',
      path: '/v1/audiences/offer-fit',
      run: async ({ shop, event }) =>
        json(
          200,
          await findOfferFit(
            audiences,
            shop,
            parseBody(offerFitQuerySchema, event.queryStringParameters ?? {}),
          ),
        ),
    },
  ];
}
