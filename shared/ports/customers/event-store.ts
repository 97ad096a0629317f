import type { StoredEvent } from '../../domain/customers/events.js';

export interface AppendResult {
  accepted: number;
  duplicates: number;
}

export interface EventStore {
  /** Stores each event at most once by its id; an id seen before counts as a duplicate. */
  append(events: StoredEvent[]): Promise<AppendResult>;
  /** A customer's events, newest first. */
  timeline(shopId: string, customerIds: string[], limit: number): Promise<StoredEvent[]>;
}
