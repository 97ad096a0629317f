import type { StoredProfile } from '../../../shared/domain/customers/change.js';
import type { StoredEvent } from '../../../shared/domain/customers/events.js';
import type { OrderFacts } from '../../../shared/domain/customers/profile.js';
import type { Tombstone } from '../../../shared/ports/customers/erasure-store.js';
import { copy } from './faults.js';

/**
 * The customer side of the single table, in memory. Keys are spelled by the production `keys`
 * module, so partitions group exactly as in DynamoDB: a customer's events, archived orders and
 * merges beside its profile, an identity's events beside its link. Items go in and come out as
 * copies, as they would through the wire.
 */
export type Item =
  | { type: 'profile'; stored: StoredProfile }
  | { type: 'identity'; customerId: string }
  | { type: 'event'; event: StoredEvent; appliedBy?: string }
  | { type: 'archivedOrder'; customerId: string; orderId: string; facts: OrderFacts }
  | { type: 'merge'; mergedId: string; at: string }
  | { type: 'tombstone'; tombstone: Tombstone }
  | { type: 'member' };

export interface Key {
  pk: string;
  sk: string;
}

export class FakeTable {
  private readonly partitions = new Map<string, Map<string, Item>>();
  private stream: StoredEvent[] = [];

  get<T extends Item['type']>(key: Key, type: T): Extract<Item, { type: T }> | undefined {
    const item = this.partitions.get(key.pk)?.get(key.sk);
    return item?.type === type ? (copy(item) as Extract<Item, { type: T }>) : undefined;
  }

  has(key: Key): boolean {
    return this.partitions.get(key.pk)?.has(key.sk) ?? false;
  }

  /**
   * Writes the item whole. A new event item without an `appliedBy` mark is what the stream
   * handler's filter lets through (INSERT, EV#…, no appliedBy); it is kept for `takeStream`.
   */
  put(key: Key, item: Item): void {
    const partition = this.partitions.get(key.pk) ?? new Map<string, Item>();
    const inserted = !partition.has(key.sk);
    partition.set(key.sk, copy(item));
    this.partitions.set(key.pk, partition);
    if (inserted && item.type === 'event' && !item.appliedBy) this.stream.push(copy(item.event));
  }

  delete(key: Key): void {
    this.partitions.get(key.pk)?.delete(key.sk);
  }

  /** A partition's items, by sort key. */
  query(pk: string, skPrefix = ''): Array<{ sk: string; item: Item }> {
    return [...(this.partitions.get(pk) ?? [])]
      .filter(([sk]) => sk.startsWith(skPrefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sk, item]) => ({ sk, item: copy(item) }));
  }

  /** Every item whose partition key starts so, as a scan would find them. */
  scan(pkPrefix: string): Array<{ key: Key; item: Item }> {
    return [...this.partitions]
      .filter(([pk]) => pk.startsWith(pkPrefix))
      .flatMap(([pk, items]) => [...items].map(([sk, item]) => ({ key: { pk, sk }, item: copy(item) })));
  }

  /** Events inserted since the last call, in write order: what the stream delivers next. */
  takeStream(): StoredEvent[] {
    const out = this.stream;
    this.stream = [];
    return out;
  }

  /** How many items there are, for "writes nothing". */
  size(): number {
    return [...this.partitions.values()].reduce((n, p) => n + p.size, 0);
  }

  /** A deep copy of everything, for "changes nothing". */
  snapshot(): Record<string, Record<string, Item>> {
    return copy(
      Object.fromEntries([...this.partitions].map(([pk, items]) => [pk, Object.fromEntries(items)])),
    );
  }
}
