import type { SendStatus } from './send-request.js';

/** A provider event about a send, appended to its status history (tracking). */
export interface SendEvent {
  status: SendStatus | 'delivery-delayed' | 'rendering-failed' | 'accepted';
  at: string;
  /** The provider's event id, so an event delivered twice is kept once. */
  eventId: string;
  providerMessageId?: string;
  detail?: string;
}
