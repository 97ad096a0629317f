/** A page of one shard's customers: their ids, and where the shard goes on. */
export interface CustomerIdsPage {
  customerIds: string[];
  /** Pass back for the next page of the shard; absent on its last. */
  cursor?: string;
}

/**
 * Every live customer of a shop, by id, spread over shards that can be read side by side: what a
 * fan-out to the whole shop (holiday care) pages through, reading keys only.
 */
export interface CustomerDirectory {
  readonly shards: number;
  customerIds(
    shopId: string,
    shard: number,
    page: { limit: number; cursor?: string },
  ): Promise<CustomerIdsPage>;
}
