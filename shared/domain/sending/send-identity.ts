import { createHash } from 'node:crypto';

/**
 * Who a send is for and why, as one key. Every retry of the same intended message (stream
 * redelivery, Lambda retries, queue redelivery, a crash between sending and recording) computes the
 * same key, so the ledger's conditional claim on it lets the message go at most once.
 */
export type SendSource = { kind: 'campaign'; campaignId: string } | { kind: 'journey'; journeyId: string };

export interface SendIntent {
  shopId: string;
  customerId: string;
  source: SendSource;
  /** The campaign's message or the journey's step (a campaign with one message uses its own id). */
  step: string;
  /**
   * Which time this step fires for this customer: the recurring campaign's run, the journey
   * instance (its order id) and round, the birthday's year. Two occurrences are two messages.
   */
  occurrence: string;
}

/** The canonical key. JSON of an array: no choice of separator can make two intents collide. */
export function idempotencyKey(intent: SendIntent): string {
  const { shopId, customerId, source, step, occurrence } = intent;
  const sourceId = source.kind === 'campaign' ? source.campaignId : source.journeyId;
  return JSON.stringify([shopId, customerId, source.kind, sourceId, step, occurrence]);
}

/**
 * 128 bits of the key's SHA-256 in hex: the same on every retry, and only characters an SES message
 * tag, a URL and a DynamoDB key take as they are.
 */
export function sendIdOf(intent: SendIntent): string {
  return createHash('sha256').update(idempotencyKey(intent)).digest('hex').slice(0, 32);
}
