import { createHash } from 'node:crypto';

/**
 * Holdouts by hashing: whether a customer is held out is a function of who they are and what they
 * are held out of, so it needs no storage to be stable, is the same on every retry and every
 * machine, and a report can recompute it. Each purpose has its own salt, so being held out of one
 * campaign says nothing about another, nor about the global control group.
 */

export const defaultHoldoutShare = 0.1;
export const defaultControlShare = 0.05;
/** Control-group buckets: a share is a whole number of them, so the group is stable as shares are. */
export const controlBuckets = 10_000;

/** A point in [0, 1) from 48 bits of the SHA-256 of the parts: uniform, and independent across salts. */
function unitPoint(parts: readonly string[]): number {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

function checkShare(share: number): void {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`A share lies in [0, 1], not ${share}`);
}

/**
 * What a customer is held out of: a campaign, or one step of a journey. A customer held out of a
 * unit receives nothing from it and is tracked the same way.
 */
export type HoldoutUnit = { campaignId: string } | { journeyId: string; stepId: string };

function unitKey(unit: HoldoutUnit): string[] {
  return 'campaignId' in unit ? ['campaign', unit.campaignId] : ['journey', unit.journeyId, unit.stepId];
}

/**
 * Whether the customer is in the unit's holdout at this share. Raising the share only adds
 * customers: whoever was held out at 10% is still held out at 20%.
 */
export function isHeldOut(
  shopId: string,
  customerId: string,
  unit: HoldoutUnit,
  share: number = defaultHoldoutShare,
): boolean {
  checkShare(share);
  return unitPoint(['holdout', shopId, ...unitKey(unit), customerId]) < share;
}

/** The customer's bucket in the shop's global control scheme: fixed for life, whatever runs. */
export function controlBucket(shopId: string, customerId: string): number {
  return Math.floor(unitPoint(['control', shopId, customerId]) * controlBuckets);
}

/**
 * Whether the customer is in the shop's persistent global control group, which no marketing
 * reaches (care messages still go), so the whole programme's lift can be measured against it.
 */
export function isInGlobalControl(
  shopId: string,
  customerId: string,
  share: number = defaultControlShare,
): boolean {
  checkShare(share);
  return controlBucket(shopId, customerId) < Math.round(share * controlBuckets);
}
