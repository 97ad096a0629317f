import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ShopSettings } from '../shops/shop.js';
import { isTimeZone } from '../time-zones.js';
import { issuesOf } from '../validation.js';
import { normalizeEmail, normalizePhone } from './identity.js';

const consentSchema = z.strictObject({ marketing: z.boolean().optional(), care: z.boolean().optional() });

/** A customer's traits as a shop sends them (PUT /v1/customers/{id}, a customer row of an import). */
export const traitsSchema = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  phone: z.string().min(3).max(32).optional(),
  email: z.email().max(254).optional(),
  birthday: z
    .string()
    .regex(/^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD, or --MM-DD without a year')
    .optional(),
  timeZone: z
    .string()
    .min(1)
    .max(64)
    .refine(isTimeZone, 'an IANA time zone, such as Asia/Shanghai')
    .optional(),
  region: z.string().min(1).max(64).optional(),
  tags: z.array(z.string().min(1).max(64)).max(100).optional(),
  consent: z.strictObject({ email: consentSchema.optional(), sms: consentSchema.optional() }).optional(),
});

export const customerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@+-]+$/, 'letters, digits and ._:@+- only');

export type CustomerTraits = z.infer<typeof traitsSchema>;

/**
 * Checks a customer's traits and returns them with phone and email normalised, or throws every
 * issue; `prefix` places the paths inside a larger input (a row of an import).
 */
export function parseTraits(
  settings: ShopSettings,
  body: unknown,
  prefix: Array<string | number> = [],
  index?: number,
): CustomerTraits {
  const parsed = traitsSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error, index, prefix));
  const input = parsed.data;
  let phone: string | undefined;
  if (input.phone !== undefined) {
    phone = normalizePhone(input.phone, settings.defaultRegion) ?? undefined;
    if (!phone)
      throw new ValidationError([
        {
          ...(index === undefined ? {} : { index }),
          path: [...prefix, 'phone'].join('.'),
          message: `not a valid phone number for region ${settings.defaultRegion}`,
        },
      ]);
  }
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  return { ...input, phone, email };
}
