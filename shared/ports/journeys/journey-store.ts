import type { JourneyDefinition } from '../../domain/journeys/definition.js';

/**
 * A shop's journey as the shop sees it: the latest definition and whether it runs. Playbooks the
 * shop never touched are not stored: their head is the library's, enabled by its defaults.
 */
export interface JourneyHead {
  journeyId: string;
  enabled: boolean;
  /** The latest version; new instances start on it, running ones keep theirs. */
  definition: JourneyDefinition;
  updatedAt: string;
}

export interface JourneyStore {
  /** Every stored head of the shop (one small query). */
  heads(shopId: string): Promise<JourneyHead[]>;
  head(shopId: string, journeyId: string): Promise<JourneyHead | null>;
  /** A stored version, for instances that run on it. */
  version(shopId: string, journeyId: string, version: number): Promise<JourneyDefinition | null>;
  /**
   * Stores the head's definition as a new version and moves the head to it, only where the head
   * is still at `previousVersion` (null: no head stored yet). False when another writer got there first.
   */
  putHead(shopId: string, head: JourneyHead, previousVersion: number | null): Promise<boolean>;
  /** The shop's coupon secret, made (random, 32 bytes) on first use and kept. */
  couponSecret(shopId: string): Promise<string>;
}
