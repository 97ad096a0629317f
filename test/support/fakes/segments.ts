import { customerShards, keys, shardOf } from '../../../shared/adapters/dynamodb/keys.js';
import type { SegmentCandidate, SegmentStore } from '../../../shared/ports/segments/segment-store.js';
import { Faults } from './faults.js';
import type { FakeTable } from './table.js';

/**
 * The segment store of DynamoSegmentStore, over the same table as the profiles: live customers
 * (merged-away ones leave the index) spread over the same shards, read page by page; segments
 * written only at the version read, bumping it.
 */
export class FakeSegmentStore implements SegmentStore {
  readonly shards = customerShards;
  readonly faults = new Faults<'setSegments'>();
  /** Every setSegments call: who, and whether it was written. */
  readonly writes: Array<{ customerId: string; segments: string[]; written: boolean }> = [];
  /** Runs before each setSegments: a test's concurrent writer. */
  beforeSetSegments?: (customerId: string) => void | Promise<void>;

  constructor(
    private readonly table: FakeTable,
    private readonly pageSize = 2,
  ) {}

  async *customersOfShard(shopId: string, shard: number): AsyncIterable<SegmentCandidate[]> {
    const prefix = keys.customer(shopId, '').pk;
    const ids = this.table
      .scan(prefix)
      .flatMap(({ item }) =>
        item.type === 'profile' && !item.stored.mergedInto ? [item.stored.profile.customerId] : [],
      )
      .filter((id) => shardOf(id) === shard)
      .sort();
    for (let i = 0; i < ids.length; i += this.pageSize) {
      // Each page of keys is followed by a fresh read of the profiles, as the adapter does.
      yield ids.slice(i, i + this.pageSize).flatMap((id) => {
        const stored = this.table.get(keys.customer(shopId, id), 'profile')?.stored;
        return stored && !stored.mergedInto ? [{ version: stored.version, profile: stored.profile }] : [];
      });
    }
  }

  async setSegments(
    shopId: string,
    customerId: string,
    version: number,
    segments: string[],
  ): Promise<boolean> {
    await this.beforeSetSegments?.(customerId);
    this.faults.check('setSegments');
    const key = keys.customer(shopId, customerId);
    const stored = this.table.get(key, 'profile')?.stored;
    const written = stored?.version === version;
    if (stored && written)
      this.table.put(key, {
        type: 'profile',
        stored: { ...stored, version: version + 1, profile: { ...stored.profile, segments } },
      });
    this.writes.push({ customerId, segments, written });
    return written;
  }
}
