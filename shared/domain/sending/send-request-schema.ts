import { z } from 'zod';
import type { SendRequest } from './send-request.js';

const id = z.string().min(1).max(256);
const instant = z.iso.datetime({ offset: true });

/** A SendRequest as the send queue carries it (JSON), checked before anything is done with it. */
export const sendRequestSchema: z.ZodType<SendRequest> = z.strictObject({
  sendId: z.string().regex(/^[0-9a-f]{32}$/, 'sendIdOf(intent)'),
  intent: z.strictObject({
    shopId: id,
    customerId: id,
    source: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('campaign'), campaignId: id }),
      z.strictObject({ kind: z.literal('journey'), journeyId: id }),
    ]),
    step: id,
    occurrence: id,
  }),
  channel: z.enum(['email', 'sms']),
  purpose: z.enum(['marketing', 'transactional']),
  templateId: id,
  data: z.record(z.string(), z.unknown()).optional(),
  expiresAt: instant.optional(),
  withheld: z.strictObject({ reason: z.string().min(1).max(128) }).optional(),
  requestedAt: instant,
});
