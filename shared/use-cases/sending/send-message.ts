import { type OutgoingMessage, PermanentSendError, type SendOutcome } from '../../domain/sending/messages.js';
import type { MessageChannel, SendLedger } from '../../ports/sending/messaging.js';

export interface SendDeps {
  ledger: SendLedger;
  channels: Record<OutgoingMessage['channel'], MessageChannel>;
  clock: () => Date;
}

/**
 * Primary course: claim the send in the ledger, hand it to the channel, record the outcome.
 * A claim that exists already means the message went (or may have gone): never send it again.
 * Retryable provider errors give the claim back and rethrow, so the queue retries.
 */
export async function sendMessage(deps: SendDeps, message: OutgoingMessage): Promise<SendOutcome> {
  if (!(await deps.ledger.claim(message, deps.clock().toISOString()))) return { status: 'duplicate' };
  try {
    const providerMessageId = await deps.channels[message.channel].deliver(message);
    await deps.ledger.record(message, { status: 'sent', providerMessageId }, deps.clock().toISOString());
    return { status: 'sent', providerMessageId };
  } catch (error) {
    if (error instanceof PermanentSendError) {
      await deps.ledger.record(
        message,
        { status: 'failed', reason: error.message },
        deps.clock().toISOString(),
      );
      return { status: 'failed', reason: error.message };
    }
    await deps.ledger.release(message);
    throw error;
  }
}
