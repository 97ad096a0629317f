import { createHash } from 'node:crypto';

/**
 * Which events a profile already holds, kept inside the profile so that applying a batch is one
 * write per customer, not one mark per event. A stream record can be delivered again for up to 24
 * hours after it was written (Lambda retries, a replayed shard), so the ids applied in the last 25
 * hours are kept, as short hashes grouped by the hour they were applied in; older hours are dropped.
 * Orders, payments and refunds are facts by id and stay exactly-once beyond that window too.
 */
export type AppliedEvents = Record<string, string>;

const hashChars = 8;
const keptHours = 25;

function hashOf(eventId: string): string {
  return createHash('sha1').update(eventId).digest('base64url').slice(0, hashChars);
}

function hourKey(at: Date): string {
  return at.toISOString().slice(0, 13);
}

function allHashes(applied: AppliedEvents): Set<string> {
  const out = new Set<string>();
  for (const hashes of Object.values(applied))
    for (let i = 0; i < hashes.length; i += hashChars) out.add(hashes.slice(i, i + hashChars));
  return out;
}

/** The events not applied yet, in their order, each id once. */
export function notYetApplied<T extends { id: string }>(applied: AppliedEvents, events: T[]): T[] {
  const seen = allHashes(applied);
  return events.filter((e) => {
    const hash = hashOf(e.id);
    if (seen.has(hash)) return false;
    seen.add(hash);
    return true;
  });
}

/** Records the events as applied now, dropping hours that no replay can reach any more. */
export function recordApplied(applied: AppliedEvents, eventIds: string[], now: Date): AppliedEvents {
  const oldest = hourKey(new Date(now.getTime() - keptHours * 3_600_000));
  const kept = Object.fromEntries(Object.entries(applied).filter(([hour]) => hour >= oldest));
  if (eventIds.length === 0) return kept;
  const hour = hourKey(now);
  kept[hour] = (kept[hour] ?? '') + eventIds.map(hashOf).join('');
  return kept;
}
