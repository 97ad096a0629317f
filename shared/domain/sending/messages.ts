/**
 * @deprecated The message the send queue carried before SendRequest (send-request.ts). The due-steps
 * runner still builds it; kept under its old name until that runner is replaced.
 */
export interface OutgoingMessage {
  sendId: string;
  shopId: string;
  customerId: string;
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  html?: string;
}

/** @deprecated the old sender's outcome (send-message.ts). */
export type SendOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'duplicate' }
  | { status: 'failed'; reason: string };

/** A provider refusal that no retry will fix (bad address, rejected content). */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
}

/** The provider throttled the call: back off and retry (pacing.ts). */
export class ThrottledError extends Error {
  override name = 'ThrottledError';
}
