import type { SendSource } from '../../domain/sending/send-identity.js';
import type { Conversion, SendRecord } from '../../domain/sending/send-request.js';

/** Reading send records: attribution (a customer's recent sends) and reports (a source's sends). */
export interface SendRecordReader {
  get(shopId: string, sendId: string): Promise<SendRecord | null>;
  /** A customer's sends requested within [from, to], newest first. */
  ofCustomer(shopId: string, customerId: string, from: string, to: string): Promise<SendRecord[]>;
  /** Every send of a campaign or journey, page by page (withheld ones included: the holdout). */
  ofSource(
    shopId: string,
    source: SendSource,
    page: { limit: number; cursor?: string },
  ): Promise<{ records: SendRecord[]; cursor?: string }>;
}

export interface ConversionWriter {
  /**
   * Marks the send converted by an order, once per send (false when it already was); a send whose
   * order no longer stands (cancelled, refunded in full) may be converted again.
   */
  recordConversion(shopId: string, sendId: string, conversion: Conversion): Promise<boolean>;
  /** Sets what went back of the order the send's conversion names (false when it names another or none). */
  reviseConversion(shopId: string, sendId: string, orderId: string, returned: number): Promise<boolean>;
}

/** A message queued for a customer, counted against their caps from the moment it is queued. */
export interface QueuedContact {
  sendId: string;
  at: string;
  channel: 'email' | 'sms';
  purpose: 'marketing' | 'transactional';
}

/**
 * The contact history the contact policy reads, one for every sender of messages (journeys and
 * campaigns note what they queue), so a campaign's caps see a journey's messages and back.
 */
export interface ContactLog {
  sentSince(shopId: string, customerId: string, since: string): Promise<QueuedContact[]>;
  /** Notes a queued message; noting the same send id again keeps the first. */
  record(shopId: string, customerId: string, contact: QueuedContact): Promise<void>;
}
