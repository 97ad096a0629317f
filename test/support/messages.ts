import type { OutgoingMessage } from '../../shared/domain/sending/messages.js';

/** A journey's email to one customer. */
export function email(sendId: string, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    sendId,
    shopId: 'tea',
    customerId: 'alice',
    channel: 'email',
    to: 'alice@example.com',
    subject: 'Your Longjing is back in stock',
    text: 'The spring harvest is in.',
    ...overrides,
  };
}
