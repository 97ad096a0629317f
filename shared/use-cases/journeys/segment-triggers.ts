import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import { type JourneyEvent, segmentEvent, triggerMatches } from '../../domain/journeys/triggers.js';
import { type FeedDeps, feedJourneyEvents, heardEventTypesOf } from './feed-events.js';

/**
 * Segment moves into journeys: when the refresh moves a customer into or out of segments, each
 * segment entered or left becomes a `segment_entered` / `segment_left` event for the shop's
 * journeys, at the instant the refresh computed as of (its asOf, not the wall clock), so the same
 * run always makes the same event ids and a journey started by one is never started twice by it.
 *
 * Only moves observed between two placements count. A customer the refresh places for the first
 * time (the shop's first refresh, or a customer created or imported since the last one) enters
 * nothing: they were in those segments before huitou knew, and a win-back for a customer who was
 * always dormant would be a blast, not a reaction. Their next move counts. Every placement gives a
 * lifecycle stage, so "placed before" is "had a lifecycle stage before".
 */

export interface SegmentMove {
  customerId: string;
  /** The customer's memberships before the move. */
  before: readonly string[];
  joined: readonly string[];
  left: readonly string[];
}

/** Whether a refresh had placed the customer before: every placement gives a lifecycle stage. */
export function wasPlaced(before: readonly string[]): boolean {
  return before.some((id) => id.startsWith('lifecycle:'));
}

const segmentTypes = ['segment_entered', 'segment_left'];

/**
 * Which segment events the enabled journeys would start on (their segment triggers, segment by
 * segment) or that their running instances hear (an exit or a wait on `segment_left`, any
 * segment). Null when none: then nothing is made, and nothing more is read.
 */
export function segmentEventsWanted(
  enabled: readonly JourneyDefinition[],
): ((event: JourneyEvent) => boolean) | null {
  const triggers = enabled.flatMap((d) => (d.trigger.type === 'segment' ? [d.trigger] : []));
  const heard = new Set(enabled.flatMap(heardEventTypesOf).filter((t) => segmentTypes.includes(t)));
  if (triggers.length === 0 && heard.size === 0) return null;
  return (event) => heard.has(event.type) || triggers.some((t) => triggerMatches(t, event));
}

/** The wanted events of the observed moves, each under its customer. */
export function segmentEventsOf(
  moves: readonly SegmentMove[],
  at: Date,
  wanted: (event: JourneyEvent) => boolean,
): Array<{ customerId: string; event: JourneyEvent }> {
  return moves.flatMap(({ customerId, before, joined, left }) => {
    if (!wasPlaced(before)) return [];
    const events = [
      ...joined.map((s) => segmentEvent(s, 'entered', customerId, at)),
      ...left.map((s) => segmentEvent(s, 'left', customerId, at)),
    ];
    return events.filter(wanted).map((event) => ({ customerId, event }));
  });
}

/**
 * Primary course: the moves' events into the shop's journeys. Returns how many events went in and
 * the customers whose journeys failed (their moves should not be committed yet: a retry feeds the
 * same events again, and journeys ignore what they have seen). When no enabled journey cares, the
 * only read is the shop's enabled journeys (cached), and only when someone observed moved.
 */
export async function feedSegmentMoves(
  deps: FeedDeps,
  shopId: string,
  moves: readonly SegmentMove[],
  at: Date,
): Promise<{ fed: number; failed: Set<string> }> {
  const failed = new Set<string>();
  if (!moves.some((m) => wasPlaced(m.before))) return { fed: 0, failed };
  const wanted = segmentEventsWanted(await deps.enabled(shopId));
  const events = wanted ? segmentEventsOf(moves, at, wanted) : [];
  if (events.length === 0) return { fed: 0, failed };
  const customerOf = new Map(events.map(({ customerId, event }) => [event.id, customerId]));
  const result = await feedJourneyEvents(deps, shopId, events);
  for (const id of result.failed) failed.add(customerOf.get(id) as string);
  return { fed: events.length, failed };
}
