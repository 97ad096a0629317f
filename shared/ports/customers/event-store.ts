import type { StoredEvent } from '../../domain/customers/events.js';

export interface AppendResult {
  accepted: number;
  duplicates: number;
}

/** Whose events to read: a customer's own id(s) and the identities events may name them by. */
export interface EventOwners {
  customerIds: string[];
  identities: string[];
}

export interface EventStore {
  /** Stores each event at most once by its id; an id seen before counts as a duplicate. The stream applies them. */
  append(events: StoredEvent[]): Promise<AppendResult>;
  /** Stores events whose effect on the profiles was already committed (an import): the stream leaves them be. */
  appendApplied(events: StoredEvent[]): Promise<void>;
  /** The ids among these events that are stored already. */
  stored(events: StoredEvent[]): Promise<Set<string>>;
  /** A customer's events, newest first. */
  timeline(shopId: string, owners: EventOwners, limit: number): Promise<StoredEvent[]>;
}
