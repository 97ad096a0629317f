import { z } from 'zod';
import type { SendEvent } from './send-events.js';

/**
 * SES's event publishing records (configuration set → SNS topic), as JSON in the SNS notification's
 * Message. Only what tracking uses is read; the rest of each record passes. The send id and shop id
 * come back in the message tags set when the email was sent.
 */

/** The message tags huitou sets on every email (SES v2 SendEmail EmailTags). */
export const messageTags = { sendId: 'send_id', shopId: 'shop_id' } as const;

const tags = z.record(z.string(), z.array(z.string())).optional();

export const sesEventSchema = z.looseObject({
  eventType: z.enum([
    'Send',
    'Reject',
    'Delivery',
    'Bounce',
    'Complaint',
    'Open',
    'Click',
    'DeliveryDelay',
    'Rendering Failure',
    'Subscription',
  ]),
  mail: z.looseObject({ timestamp: z.string(), messageId: z.string(), tags }),
  bounce: z
    .looseObject({ bounceType: z.string(), bounceSubType: z.string().optional(), timestamp: z.string() })
    .optional(),
  complaint: z
    .looseObject({ timestamp: z.string(), complaintFeedbackType: z.string().optional() })
    .optional(),
  delivery: z.looseObject({ timestamp: z.string() }).optional(),
  open: z.looseObject({ timestamp: z.string() }).optional(),
  click: z.looseObject({ timestamp: z.string(), link: z.string() }).optional(),
  reject: z.looseObject({ reason: z.string() }).optional(),
  deliveryDelay: z.looseObject({ timestamp: z.string(), delayType: z.string().optional() }).optional(),
  failure: z.looseObject({ errorMessage: z.string() }).optional(),
});
export type SesEvent = z.infer<typeof sesEventSchema>;

export interface TrackedEvent {
  shopId: string;
  sendId: string;
  event: SendEvent;
  /** For bounces: whether the address is gone for good (Permanent) or not. */
  bounceType?: 'permanent' | 'transient';
  /** For clicks. */
  link?: string;
}

/** What a SES event says about which send, or null when it is not one of huitou's (no tags) or says nothing. */
export function trackedEvent(record: SesEvent, eventId: string): TrackedEvent | null {
  const sendId = record.mail.tags?.[messageTags.sendId]?.[0];
  const shopId = record.mail.tags?.[messageTags.shopId]?.[0];
  if (!sendId || !shopId) return null;
  const base = { eventId, providerMessageId: record.mail.messageId };
  const at = (t: string | undefined) => new Date(t ?? record.mail.timestamp).toISOString();
  const make = (
    status: SendEvent['status'],
    when: string | undefined,
    detail?: string,
    extra: Partial<TrackedEvent> = {},
  ) => ({
    shopId,
    sendId,
    event: { ...base, status, at: at(when), ...(detail ? { detail } : {}) },
    ...extra,
  });
  switch (record.eventType) {
    case 'Send':
      return make('accepted', record.mail.timestamp);
    case 'Reject':
      return make('rejected', record.mail.timestamp, record.reject?.reason);
    case 'Delivery':
      return make('delivered', record.delivery?.timestamp);
    case 'Bounce': {
      const bounceType = record.bounce?.bounceType === 'Permanent' ? 'permanent' : 'transient';
      // A transient bounce (mailbox full, …) says nothing final: history only, through delivery-delayed.
      return make(
        bounceType === 'permanent' ? 'bounced' : 'delivery-delayed',
        record.bounce?.timestamp,
        `${record.bounce?.bounceType ?? ''}/${record.bounce?.bounceSubType ?? ''}`,
        { bounceType },
      );
    }
    case 'Complaint':
      return make('complained', record.complaint?.timestamp, record.complaint?.complaintFeedbackType);
    case 'Open':
      return make('opened', record.open?.timestamp);
    case 'Click':
      return make(
        'clicked',
        record.click?.timestamp,
        undefined,
        record.click ? { link: record.click.link } : {},
      );
    case 'DeliveryDelay':
      return make('delivery-delayed', record.deliveryDelay?.timestamp, record.deliveryDelay?.delayType);
    case 'Rendering Failure':
      return make('rendering-failed', record.mail.timestamp, record.failure?.errorMessage);
    case 'Subscription':
      return null;
  }
}
