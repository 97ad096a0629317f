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
  /** The send that issued a coupon code, if any. */
  byCoupon(shopId: string, couponCode: string): Promise<SendRecord | null>;
}

export interface ConversionWriter {
  /** Marks the send converted by an order, once per send (false when it already was). */
  recordConversion(shopId: string, sendId: string, conversion: Conversion): Promise<boolean>;
}

/** What the contact policy reads: the messages a customer was sent lately. */
export interface ContactLog {
  sentSince(
    shopId: string,
    customerId: string,
    since: string,
  ): Promise<Array<{ at: string; channel: 'email' | 'sms'; purpose: 'marketing' | 'transactional' }>>;
}
