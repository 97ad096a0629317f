/** One message to one customer on one channel: the unit the send queue carries. */
export interface OutgoingMessage {
  /** Unique per intended send; the send ledger keys at-most-once delivery on it. */
  sendId: string;
  shopId: string;
  customerId: string;
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  html?: string;
}

export type SendOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'duplicate' }
  | { status: 'failed'; reason: string };

/** A provider refusal that no retry will fix (bad address, rejected content). */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
}
