import { z } from 'zod';
import { defaultActivity, defaultLifecycle } from './features.js';

/** A shop's own segment thresholds, as the operator sets them (every field optional: defaults stay). */
const numbersOf = (defaults: Record<string, number>) =>
  z.strictObject(Object.fromEntries(Object.keys(defaults).map((k) => [k, z.number().positive().optional()])));

export const shopSegmentOverridesSchema = z.strictObject({
  saleDays: z
    .array(z.string().regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'YYYY-MM-DD, or MM-DD for every year'))
    .max(366)
    .optional(),
  lifecycle: numbersOf({ ...defaultLifecycle }).optional(),
  activity: numbersOf({ ...defaultActivity }).optional(),
});
