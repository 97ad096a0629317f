import { customerShards, keys, shardOf } from '../../../shared/adapters/dynamodb/keys.js';
import type {
  MembershipChange,
  MembersPage,
  SegmentCandidate,
  SegmentStore,
} from '../../../shared/ports/segments/segment-store.js';
import { Faults } from './faults.js';
import type { FakeTable } from './table.js';

/**
 * The segment store of DynamoSegmentStore, over the same table as the profiles: live customers
 * (merged-away ones leave the index) spread over the same shards, read page by page; segments
 * written only at the version read, bumping it.
 */
export class FakeSegmentStore implements SegmentStore {
  readonly shards = customerShards;
  readonly faults = new Faults<'setMemberships'>();
  /** Every setMemberships call: who, and whether it was written. */
  readonly writes: Array<{ customerId: string; segments: string[]; written: boolean }> = [];
  /** Runs before each setMemberships: a test's concurrent writer. */
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

  async setMemberships(
    shopId: string,
    customerId: string,
    version: number,
    change: MembershipChange,
  ): Promise<boolean> {
    await this.beforeSetSegments?.(customerId);
    this.faults.check('setMemberships');
    const key = keys.customer(shopId, customerId);
    const stored = this.table.get(key, 'profile')?.stored;
    const written = stored?.version === version;
    if (stored && written) {
      this.table.put(key, {
        type: 'profile',
        stored: {
          ...stored,
          version: version + 1,
          profile: { ...stored.profile, segments: change.segments },
        },
      });
      for (const id of change.joined)
        this.table.put(keys.segmentMember(shopId, id, customerId), { type: 'member' });
      for (const id of change.left) this.table.delete(keys.segmentMember(shopId, id, customerId));
    }
    this.writes.push({ customerId, segments: change.segments, written });
    return written;
  }

  async membersOf(
    shopId: string,
    segmentId: string,
    page: { limit: number; cursor?: string },
  ): Promise<MembersPage> {
    const all = Array.from({ length: this.shards }, (_, shard) =>
      this.table.query(keys.segmentMembers(shopId, segmentId, shard)).map(({ sk }) => sk),
    ).flat();
    const from = page.cursor ? Number(page.cursor) : 0;
    const customerIds = all.slice(from, from + page.limit);
    const next = from + page.limit;
    return next < all.length ? { customerIds, cursor: String(next) } : { customerIds };
  }
}
