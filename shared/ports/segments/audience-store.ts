import type { Activity, Traits } from '../../domain/customers/profile.js';
import type { ValueRange } from '../../domain/segments/offer-fit.js';

/** A live customer whose average order value may lie in the ranges asked for: what the use case decides on. */
export interface AudienceCandidate {
  customerId: string;
  traits: Traits;
  activity: Activity;
}

export interface CandidatePage {
  candidates: AudienceCandidate[];
  /** Pass back for the next page; absent once every candidate was read. */
  cursor?: string;
  /** Read capacity units the page consumed, as the database reports them. */
  readUnits: number;
}

export interface AudienceStore {
  /**
   * Customers by average order value, reading in proportion to what it returns: every live customer
   * whose value lies in one of the ranges, and a few near their edges (the index keeps values in
   * bands), which the caller filters out. At most `limit` candidates a page.
   */
  candidatesByValue(
    shopId: string,
    ranges: ValueRange[],
    page: { limit: number; cursor?: string },
  ): Promise<CandidatePage>;
}
