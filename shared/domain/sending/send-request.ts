import type { Channel } from '../customers/profile.js';
import type { SendIntent, SendSource } from './send-identity.js';

/**
 * The contract between whoever decides to message a customer (journeys, campaigns) and the sender:
 * one request per intended send, on the send queue. The producer has applied the contact policy;
 * the sender renders the template at send time, checks consent, suppression and the shop's pause
 * state once more, sends at most once per sendId, and records every request, sent or not.
 */
export type SendPurpose = 'marketing' | 'transactional';

export interface SendRequest {
  /** sendIdOf(intent): the idempotency key of the send, everywhere. */
  sendId: string;
  intent: SendIntent;
  channel: Channel;
  purpose: SendPurpose;
  /** A shop template id, or a playbook's default template (default-templates.ts playbookIds). */
  templateId: string;
  /** Values the template reads beyond the customer's profile: coupon, order, offer, occasion. */
  data?: Record<string, unknown>;
  /** Not sent at or after this instant (a promotion that ends tomorrow is dropped, not sent late). */
  expiresAt?: string;
  /**
   * Recorded and tracked like a send, never sent: the holdout (`held-out`), the global control
   * group (`global-control`), or a contact-policy decision not to send (`capped`, `no-consent`, …).
   */
  withheld?: { reason: string };
  requestedAt: string;
}

export type SendStatus =
  | 'withheld'
  | 'skipped'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'bounced'
  | 'complained'
  | 'rejected'
  | 'failed';

export interface Conversion {
  orderId: string;
  /** In the currency units the order came in. */
  revenue: number;
  currency?: string;
  at: string;
  /**
   * The credit: the coupon or the touch the order is attributed to. `window`: not credited, but the
   * order fell within the window after this send or withheld record, which is what the treated and
   * holdout arms are compared on (the same rule for both arms).
   */
  by: 'coupon' | 'delivered' | 'opened' | 'clicked' | 'window';
  /**
   * What of the order went back, in the units of `revenue`: its refunds as the shop reported them,
   * or all of it once the order is cancelled. Absent while nothing went back.
   */
  returned?: number;
}

/** What the order still brings: its revenue less what went back. */
export const keptRevenue = (c: Conversion): number => Math.round((c.revenue - (c.returned ?? 0)) * 100) / 100;

/**
 * Whether the order still counts as converted: not when it was cancelled or refunded in full. A
 * send whose order no longer stands may be converted again by a later order.
 */
export const stands = (c: Conversion): boolean => c.returned === undefined || c.returned < c.revenue;

/** What huitou keeps of each request: the send record, with its status history. */
export interface SendRecord {
  sendId: string;
  shopId: string;
  customerId: string;
  source: SendSource;
  step: string;
  occurrence: string;
  channel: Channel;
  purpose: SendPurpose;
  templateId: string;
  status: SendStatus;
  /** Why it was withheld, skipped or failed. */
  reason?: string;
  history: Array<{ status: SendStatus; at: string }>;
  requestedAt: string;
  sentAt?: string;
  providerMessageId?: string;
  couponCode?: string;
  /** The shop's rule the coupon was issued under, and the instant it stops being valid. */
  couponRuleId?: string;
  couponValidUntil?: string;
  /** What sending cost, in millionths of a US dollar (SES/SNS price). */
  costMicros?: number;
  conversion?: Conversion;
}
