import type { Profile } from '../../domain/customers/profile.js';

export interface SegmentCandidate {
  version: number;
  profile: Profile;
}

export interface SegmentStore {
  /** How many independent slices a shop's customers are spread over; each can be read in parallel. */
  readonly shards: number;
  /** The customers of one slice, page by page. */
  customersOfShard(shopId: string, shard: number): AsyncIterable<SegmentCandidate[]>;
  /** Writes new segments for one customer if it is still at the version read; false when it moved on. */
  setSegments(shopId: string, customerId: string, version: number, segments: string[]): Promise<boolean>;
}
