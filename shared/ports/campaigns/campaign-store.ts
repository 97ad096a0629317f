import type { Campaign } from '../../domain/campaigns/campaign.js';
import type { ContactLog, QueuedContact } from '../sending/send-records.js';

/**
 * Campaigns and their due index. A campaign with a next run has a pointer in the due index at that
 * instant, written in the same transaction as the campaign, so a run is neither lost nor doubled by
 * a crash between the two.
 */
export interface CampaignStore {
  /** Saves a new campaign at version 1 (false if the id is taken). */
  create(campaign: Campaign): Promise<boolean>;
  get(shopId: string, campaignId: string): Promise<Campaign | null>;
  /** The shop's campaigns, newest first. */
  list(shopId: string): Promise<Campaign[]>;
  /**
   * Writes `next` if the campaign is still at `previous.version` (false otherwise), moving its due
   * pointer from previous.nextRunAt to next.nextRunAt.
   */
  replace(previous: Campaign, next: Campaign): Promise<boolean>;
  /** Runs due at or before `at`, earliest first, at most `limit`. */
  dueRuns(at: string, limit: number): Promise<Array<{ shopId: string; campaignId: string; runAt: string }>>;
  /** Deferred customers due at or before `at`, earliest first, at most `limit`. */
  dueDeferrals(at: string, limit: number): Promise<Deferral[]>;
  /** The earliest instant a run or deferral is due strictly after `at` (ISO), or null: none. */
  nextDueAfter(at: string): Promise<string | null>;
  /** Stores a deferral (the same deferral twice is one item). */
  putDeferral(deferral: Deferral): Promise<void>;
  removeDeferral(deferral: Deferral): Promise<void>;
}

/** Customers of one run whom the contact policy held back until `until`, in one due item. */
export interface Deferral {
  shopId: string;
  campaignId: string;
  occurrence: string;
  /** When the run started. */
  startedAt: string;
  until: string;
  customers: AudienceMember[];
}

/** A customer of a campaign's audience, with the offer-fit tier (currency units) for an offer-fit audience. */
export interface AudienceMember {
  customerId: string;
  fit?: { threshold: number; reward?: number; gap: number };
}

/**
 * One unit of a campaign run's work on the campaign queue: a page of the audience (from a cursor), or
 * customers whose deferral came due.
 */
export interface LaunchTask {
  shopId: string;
  campaignId: string;
  occurrence: string;
  startedAt: string;
  page: { cursor?: string; number: number } | { customers: AudienceMember[] };
}

export interface CampaignQueue {
  enqueue(tasks: LaunchTask[]): Promise<void>;
}

/** The shared contact history (send-records.ts), as campaigns name it. */
export type ContactHistory = ContactLog;
export type { QueuedContact };

/** The shop's secret coupon codes are derived with (coupons.ts): made once, kept. */
export interface CouponSecrets {
  secretOf(shopId: string): Promise<string>;
}
