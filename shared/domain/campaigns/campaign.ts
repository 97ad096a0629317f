import { Cron } from 'croner';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { couponRuleSchema } from '../journeys/coupons.js';
import { isTimeZone } from '../journeys/time.js';
import { discoveryPrefix, segmentRuleSchema } from '../segments/rules.js';
import { defaultHoldoutShare } from '../sending/holdout.js';
import { issuesOf } from '../validation.js';

const channels = ['email', 'sms'] as const;

/**
 * A campaign (store activity): an offer, an audience, channels, a template, a schedule and a holdout
 * share. Money is in currency units, as the shop states it. Validation answers every problem with its
 * field path (`offer.threshold`, `schedule.cron`).
 */

/** Currency units above zero, at most two decimals. */
const money = z
  .number()
  .positive()
  .max(1e9)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimal places');

const tierSchema = z.strictObject({ threshold: money, reward: money });

export const offerSchema = z.discriminatedUnion('type', [
  /** A per-send unique code by the shop's coupon rule (coupons.ts). */
  z.strictObject({ type: z.literal('coupon'), rule: couponRuleSchema }),
  z.strictObject({ type: z.literal('free_shipping'), threshold: money }),
  /** Spend X, get Y off, by tiers. */
  z.strictObject({
    type: z.literal('tier_discount'),
    tiers: z
      .array(tierSchema)
      .min(1)
      .max(10)
      .refine((ts) => new Set(ts.map((t) => t.threshold)).size === ts.length, 'each threshold once')
      .refine((ts) => ts.every((t) => t.reward < t.threshold), 'a reward is less than its threshold'),
  }),
  z.strictObject({
    type: z.literal('new_arrivals'),
    skus: z.array(z.string().min(1).max(128)).max(50).optional(),
  }),
  z.strictObject({
    type: z.literal('price_rise'),
    /** When the new prices apply: the message says "before …". */
    effectiveAt: z.iso.datetime({ offset: true }),
    skus: z.array(z.string().min(1).max(128)).max(50).optional(),
  }),
  z.strictObject({ type: z.literal('care'), topic: z.string().min(1).max(200) }),
]);
export type CampaignOffer = z.infer<typeof offerSchema>;
export type OfferType = CampaignOffer['type'];

/** Offers that take money off: a profit product's campaign does not offer them to loyal buyers. */
export const discountOfferTypes: readonly OfferType[] = ['coupon', 'free_shipping', 'tier_discount'];

const segmentIdSchema = z.string().min(1).max(200);

export const audienceSchema = z.union([
  z.strictObject({ segment: segmentIdSchema }),
  /** Fit to the offer's threshold or tiers (offer-fit.ts); the offer must have one. */
  z.strictObject({
    offerFit: z.literal(true),
    /** Within reach from this share of a threshold (default 0.6). */
    lowerShare: z.number().gt(0).lt(1).optional(),
  }),
  z.strictObject({ rule: segmentRuleSchema }),
  z.strictObject({
    discovered: segmentIdSchema.refine((id) => id.startsWith(discoveryPrefix), `a ${discoveryPrefix} id`),
  }),
]);
export type CampaignAudience = z.infer<typeof audienceSchema>;

export const defaultLowerShare = 0.6;

const isoInstant = z.iso.datetime({ offset: true });

function validCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}

export const scheduleSchema = z.union([
  z.strictObject({ at: z.union([z.literal('now'), isoInstant]) }),
  z.strictObject({
    /** Five fields, minute first: `0 10 * * 2` is every Tuesday at 10:00. */
    cron: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'five fields: minute hour day-of-month month day-of-week')
      .refine(validCron, 'not a valid cron expression'),
    /** Default: the shop's time zone. */
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone').optional(),
  }),
]);
export type CampaignSchedule = z.infer<typeof scheduleSchema>;

export const productRoles = ['traffic', 'profit', 'marginal', 'potential'] as const;
export type ProductRole = (typeof productRoles)[number];

/** The templates a campaign uses when it names none (default-templates.ts). */
export const defaultTemplateByOffer: Partial<Record<OfferType, string>> = {
  free_shipping: 'campaign-free-shipping',
};

export const campaignInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    offer: offerSchema,
    audience: audienceSchema,
    /** In order of preference: each customer gets one message, on the first channel that reaches them. */
    channels: z
      .array(z.enum(channels))
      .min(1)
      .max(2)
      .refine((cs) => new Set(cs).size === cs.length, 'each channel once'),
    templateId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _')
      .optional(),
    schedule: scheduleSchema,
    holdoutShare: z.number().min(0).max(0.5).default(defaultHoldoutShare),
    productRole: z.enum(productRoles).optional(),
    /** Nothing goes at or after this instant: a message deferred past it is dropped, not sent late. */
    endsAt: isoInstant.optional(),
  })
  .superRefine((c, ctx) => {
    if ('offerFit' in c.audience && c.offer.type !== 'free_shipping' && c.offer.type !== 'tier_discount')
      ctx.addIssue({
        code: 'custom',
        path: ['audience', 'offerFit'],
        message: 'offer fit needs a free_shipping or tier_discount offer (a threshold to fit)',
      });
    if (c.templateId === undefined && defaultTemplateByOffer[c.offer.type] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['templateId'],
        message: `no default template for a ${c.offer.type} offer: name one`,
      });
    if ('at' in c.schedule && c.schedule.at !== 'now' && c.endsAt && c.endsAt <= c.schedule.at)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'ends before it starts' });
  });
export type CampaignInput = z.output<typeof campaignInputSchema>;

export function parseCampaignInput(input: unknown): CampaignInput {
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return parsed.data;
}

/**
 * scheduled: waiting for its (first) run; may be changed. launched: at least one run started (a
 * recurring campaign keeps running until cancelled). cancelled: no further run, no further send.
 */
export type CampaignStatus = 'scheduled' | 'launched' | 'cancelled';

export interface Campaign extends CampaignInput {
  shopId: string;
  id: string;
  templateId: string;
  status: CampaignStatus;
  /** The next run (ISO); null when none is due (run once already, or cancelled). */
  nextRunAt: string | null;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The campaign a validated input makes, with its template resolved. */
export function campaignOf(
  shopId: string,
  id: string,
  input: CampaignInput,
  now: Date,
  nextRunAt: string | null,
): Omit<Campaign, 'version'> {
  return {
    ...input,
    shopId,
    id,
    templateId: input.templateId ?? (defaultTemplateByOffer[input.offer.type] as string),
    status: 'scheduled',
    nextRunAt,
    lastRunAt: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** Whether a campaign runs more than once. */
export function isRecurring(c: Pick<CampaignInput, 'schedule'>): boolean {
  return 'cron' in c.schedule;
}
