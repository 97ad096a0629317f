import { customerShards, keys, shardOf } from '../../../shared/adapters/dynamodb/keys.js';
import type {
  CustomerDirectory,
  CustomerIdsPage,
} from '../../../shared/ports/customers/customer-directory.js';
import type {
  HolidayQueue,
  HolidayRunStore,
  HolidayTask,
} from '../../../shared/ports/journeys/holiday-runs.js';
import { copy, Faults } from './faults.js';
import type { FakeTable } from './table.js';

/**
 * The customer directory of DynamoCustomerDirectory over the profiles' table: live customers
 * (merged-away ones leave the index) on the same shards, by id, a page at a time from a cursor.
 */
export class FakeCustomerDirectory implements CustomerDirectory {
  readonly shards = customerShards;
  /** Every page read: which shop and shard. */
  readonly reads: Array<{ shopId: string; shard: number }> = [];

  constructor(private readonly table: FakeTable) {}

  async customerIds(
    shopId: string,
    shard: number,
    page: { limit: number; cursor?: string },
  ): Promise<CustomerIdsPage> {
    this.reads.push({ shopId, shard });
    const ids = this.table
      .scan(keys.customer(shopId, '').pk)
      .flatMap(({ item }) =>
        item.type === 'profile' && !item.stored.mergedInto ? [item.stored.profile.customerId] : [],
      )
      .filter((id) => shardOf(id) === shard)
      .sort();
    const from = page.cursor ? ids.findIndex((id) => id > (page.cursor as string)) : 0;
    const customerIds = from < 0 ? [] : ids.slice(from, from + page.limit);
    const last = customerIds.at(-1);
    return { customerIds, ...(last !== undefined && last !== ids.at(-1) && { cursor: last }) };
  }
}

/** Which holidays were fanned out, per shop; every read counted. */
export class FakeHolidayRunStore implements HolidayRunStore {
  readonly marks = new Map<string, string>();
  readonly faults = new Faults<'markStarted'>();
  reads = 0;

  async started(shopId: string, eventId: string): Promise<boolean> {
    this.reads += 1;
    return this.marks.has(`${shopId}/${eventId}`);
  }

  async markStarted(shopId: string, eventId: string, at: Date): Promise<void> {
    this.faults.check('markStarted');
    this.marks.set(`${shopId}/${eventId}`, at.toISOString());
  }
}

/** A queue that keeps what it was handed, for a test to deliver (again, or out of order) by hand. */
export class FakeHolidayQueue implements HolidayQueue {
  readonly tasks: HolidayTask[] = [];

  async enqueue(tasks: HolidayTask[]): Promise<void> {
    this.tasks.push(...tasks.map(copy));
  }

  take(): HolidayTask[] {
    return this.tasks.splice(0, this.tasks.length);
  }
}
