import type { Profile } from '../../domain/customers/profile.js';

export interface SegmentCandidate {
  version: number;
  profile: Profile;
}

export interface MembershipChange {
  /** The customer's segment ids after the change (kept on the customer, shown by GET /v1/customers). */
  segments: string[];
  /** Segments joined and left: a member item is written for each joined and removed for each left. */
  joined: string[];
  left: string[];
}

export interface MembersPage {
  customerIds: string[];
  /** Pass back for the next page; absent on the last one. */
  cursor?: string;
}

export interface SegmentStore {
  /** How many independent slices a shop's customers are spread over; each can be read in parallel. */
  readonly shards: number;
  /** The live customers of one slice, page by page. */
  customersOfShard(shopId: string, shard: number): AsyncIterable<SegmentCandidate[]>;
  /**
   * Writes one customer's memberships, the list and the member items together, if the customer is
   * still at the version read; false when it moved on (the next run picks it up).
   */
  setMemberships(
    shopId: string,
    customerId: string,
    version: number,
    change: MembershipChange,
  ): Promise<boolean>;
  /** A page of a segment's members, reading only those members. */
  membersOf(
    shopId: string,
    segmentId: string,
    page: { limit: number; cursor?: string },
  ): Promise<MembersPage>;
}
