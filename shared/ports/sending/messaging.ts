import type { OutgoingMessage } from '../../domain/sending/messages.js';
import type { SendEvent } from '../../domain/sending/send-events.js';
import type { SendRecord } from '../../domain/sending/send-request.js';
import type { SendingSettings, SendingSettingsInput } from '../../domain/sending/sending-settings.js';
import type { PauseReason } from '../../domain/sending/shop-health.js';
import type { CompiledTemplate, Locale, TemplateSource } from '../../domain/sending/templates.js';

/** One email to one recipient, rendered: what the email channel hands to SES. */
export interface OutgoingEmail {
  sendId: string;
  shopId: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Headers huitou sets itself (List-Unsubscribe, List-Unsubscribe-Post). */
  headers: Record<string, string>;
  /** The shop's sender (`Name <address>`), where it set one; else the deployment's. */
  from?: string;
  replyTo?: string[];
}

/** One SMS to one phone number, rendered. */
export interface OutgoingSms {
  sendId: string;
  shopId: string;
  to: string;
  text: string;
  /** The shop's cap on what this SMS may cost (US$), where it set one; else the deployment's. */
  maxPriceUsd?: number;
}

/** The provider's id of an accepted message, and what it cost (millionths of a US dollar). */
export interface Accepted {
  providerMessageId: string;
  costMicros: number;
}

export interface EmailChannel {
  /** Hands the email to SES; throws PermanentSendError for a refusal no retry fixes, ThrottledError when throttled. */
  send(email: OutgoingEmail): Promise<Accepted>;
}

export interface SmsChannel {
  send(sms: OutgoingSms): Promise<Accepted>;
}

/** How a claim on a send went. */
export type Claim =
  /** Ours to send: a new record. */
  | { kind: 'claimed'; record: SendRecord; takenOver: false }
  | {
      kind: 'claimed';
      record: SendRecord;
      /** Taken over from an attempt whose lease ran out. */
      takenOver: true;
      /** When that attempt began handing the message to the provider, if it got so far. */
      handedAt?: string;
    }
  /** Another attempt holds an unexpired lease: try again later, never send now. */
  | { kind: 'leased'; leaseUntil: string }
  /** Settled before (sent, skipped, withheld, failed, …): nothing to do. */
  | { kind: 'settled'; record: SendRecord };

/** The sender's writes to send records (the readers are in send-records.ts). */
export interface SendRecordWriter {
  /**
   * Creates the record of a request not to be sent (withheld, skipped) in its final status, with
   * the customer's and the source's index entries; false when the record existed already.
   */
  settle(record: SendRecord): Promise<boolean>;
  /**
   * Creates the record as `sending` with a lease until `leaseUntil`, or takes over an existing
   * `sending` record whose lease ran out before `at`.
   */
  claim(record: SendRecord, at: string, leaseUntil: string): Promise<Claim>;
  /**
   * Settles a claimed record: sent with the provider's id, or skipped/failed with a reason. Holds
   * only while the record is still `sending` (a tracking event may have settled it first: false).
   */
  complete(
    shopId: string,
    sendId: string,
    outcome:
      | { status: 'sent'; providerMessageId: string; costMicros: number }
      | { status: 'skipped' | 'failed'; reason: string },
    at: string,
  ): Promise<boolean>;
  /** Marks the moment the message goes to the provider: after this, a crash leaves it in doubt. */
  handOver(shopId: string, sendId: string, at: string): Promise<void>;
  /** Gives a claim back after a retryable error, so the next attempt need not wait out the lease. */
  release(shopId: string, sendId: string): Promise<void>;
}

export type { SendEvent } from '../../domain/sending/send-events.js';

export interface SendEventLog {
  /**
   * Appends the event to the record's history, moving `status` forward only (delivered never goes
   * back to sent), without touching the record's index entries. `accepted` (SES's Send event)
   * settles a `sending` record as sent: a crash between SES and the record loses nothing.
   * Returns the record as it is now, or null when there is no such send (not huitou's).
   */
  append(shopId: string, sendId: string, event: SendEvent): Promise<SendRecord | null>;
}

/** A shop's sending settings and health state. */
export interface ShopSending extends SendingSettings {
  paused?: { at: string; reasons: PauseReason[] };
}

export interface ShopSendingStore {
  get(shopId: string): Promise<ShopSending>;
  /** Replaces the settings the shop sets (fields left out go back to their defaults); the pause stays. */
  put(shopId: string, settings: SendingSettingsInput): Promise<void>;
  /** Counts a sent email, a hard bounce or a complaint on the shop's day (once per event id). */
  count(shopId: string, day: string, kind: 'sent' | 'bounces' | 'complaints', eventId: string): Promise<void>;
  /** The per-day counts of the days [from, to]. */
  daily(
    shopId: string,
    from: string,
    to: string,
  ): Promise<Array<{ day: string; sent: number; bounces: number; complaints: number }>>;
  /** Pauses the shop's email with the reasons, unless it is paused already (false then). */
  pause(shopId: string, reasons: PauseReason[], at: string): Promise<boolean>;
}

/** A shop's saved template: one compiled variant per locale it was written in. */
export interface SavedTemplate {
  shopId: string;
  templateId: string;
  name: string;
  channel: 'email' | 'sms';
  variants: Partial<Record<Locale, CompiledTemplate>>;
  /** What the shop wrote, to edit again. */
  sources: Partial<Record<Locale, TemplateSource>>;
  /** 1 when created, one more on every save: a save names the version it read (optimistic). */
  version: number;
  updatedAt: string;
}

export interface TemplateStore {
  get(shopId: string, templateId: string): Promise<SavedTemplate | null>;
  list(shopId: string): Promise<SavedTemplate[]>;
  /**
   * Stores the template if the stored one is at `previousVersion` (null: none stored yet); false
   * when it is not (created or changed meanwhile).
   */
  put(template: SavedTemplate, previousVersion: number | null): Promise<boolean>;
}

// ——— The send queue's old message, kept until the due-steps runner moves to SendRequest. ———

/** @deprecated the send queue carries SendRequests (send-queue.ts); kept for functions/due-steps. */
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

/** @deprecated the old sender's channel (send-message.ts), kept for the due-steps tests until the merge. */
export interface MessageChannel {
  deliver(message: OutgoingMessage): Promise<string>;
}

/** @deprecated the old sender's ledger (send-message.ts), kept for the due-steps tests until the merge. */
export interface SendLedger {
  claim(message: OutgoingMessage, at: string): Promise<boolean>;
  record(
    message: OutgoingMessage,
    outcome: { status: 'sent'; providerMessageId: string } | { status: 'failed'; reason: string },
    at: string,
  ): Promise<void>;
  release(message: OutgoingMessage): Promise<void>;
}
