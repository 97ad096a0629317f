import type { JourneyInstance, SendAction } from '../../domain/journeys/interpreter.js';

/** A send the interpreter decided and the contact policy has not let go yet (or deferred). */
export interface PendingSend {
  sendId: string;
  action: SendAction;
  /** Deferred by the contact policy until this slot; the send's dueAt before any deferral. */
  notBefore: string;
  /** Why the contact policy last deferred it (quiet-hours, activity-cap, daily-limit, not-due). */
  heldBy?: string | undefined;
  /** The coupon code it carries, issued when the send was decided. */
  coupon?: IssuedCode | undefined;
  /** Set when the instance ended before the send went: recorded as withheld with this reason. */
  withdrawn?: string | undefined;
}

export interface IssuedCode {
  code: string;
  ruleId: string;
  validUntil: string;
}

/**
 * An instance as stored, with what it still owes: sends waiting for the contact policy and traits to
 * set. Both are written with the instance, so a crash after the write loses none of them.
 */
export interface InstanceRecord {
  instance: JourneyInstance;
  /** Optimistic lock: every write names the revision it read (0: not stored yet). */
  rev: number;
  outbox: PendingSend[];
  traits: Array<{ trait: string; value: string | number | boolean | null }>;
  /** The code a coupon step issued, carried by the instance's next marketing send. */
  coupon?: IssuedCode | undefined;
  /** Sends this instance let go (the latest month): a contact history of the journeys' own. */
  sent?: Array<{ at: string; channel: 'email' | 'sms'; purpose: 'marketing' | 'transactional' }> | undefined;
}

export interface JourneyInstanceStore {
  /** Every instance of a customer (one query of the customer's partition). */
  ofCustomer(shopId: string, customerId: string): Promise<InstanceRecord[]>;
  /** Writes the record at rev + 1 where it is still at `record.rev`; false when another writer was first. */
  save(shopId: string, record: InstanceRecord): Promise<boolean>;
}
