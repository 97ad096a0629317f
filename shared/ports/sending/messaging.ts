import type { OutgoingMessage } from '../../domain/sending/messages.js';

export interface MessageChannel {
  /** Hands the message to the provider; returns the provider's message id. */
  deliver(message: OutgoingMessage): Promise<string>;
}

export interface SendLedger {
  /** Claims the send; false when it was claimed before (sent, failed, or in doubt). */
  claim(message: OutgoingMessage, at: string): Promise<boolean>;
  record(
    message: OutgoingMessage,
    outcome: { status: 'sent'; providerMessageId: string } | { status: 'failed'; reason: string },
    at: string,
  ): Promise<void>;
  /** Gives a claim back after a retryable failure, so the queue's retry may send. */
  release(message: OutgoingMessage): Promise<void>;
}

export interface SendQueue {
  enqueue(messages: OutgoingMessage[]): Promise<void>;
}

export interface DueStep {
  shopId: string;
  stepId: string;
  dueAt: string;
  message: OutgoingMessage;
}

export interface DueStepStore {
  schedule(step: DueStep): Promise<void>;
  /** Steps due in this minute, across all shops and shards. */
  dueIn(minute: string): Promise<DueStep[]>;
  remove(step: DueStep): Promise<void>;
}
