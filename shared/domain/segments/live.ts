import type { Profile } from '../customers/profile.js';
import { neutralFeatures } from './engine.js';
import { customerInputOf, defaultSaleDays, priceSensitivity } from './features.js';
import {
  type CompiledSegment,
  type CustomerFeatures,
  compileSegments,
  liveRuleStats,
  type SegmentDefinition,
  type SegmentRule,
} from './rules.js';

/**
 * Live segments: custom segments whose rule reads only what a customer's own events set (traits,
 * tags, consent, and stats that do not move with the clock or with other customers), so their
 * membership can change the moment an event is applied instead of waiting for the nightly refresh.
 * A rule on RFM, lifecycle, activity, days since something, P(alive), events within a window or a
 * built-in segment waits for the night.
 */

const saleDays = new Set(defaultSaleDays);
const liveStats: ReadonlySet<string> = new Set(liveRuleStats);

function isLiveRule(rule: SegmentRule, liveIds: ReadonlySet<string>): boolean {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return rule.rules.every((r) => isLiveRule(r, liveIds));
    case 'not':
      return isLiveRule(rule.rule, liveIds);
    case 'trait':
    case 'tag':
    case 'consent':
      return true;
    case 'stat':
      return liveStats.has(rule.stat);
    case 'segment':
      return liveIds.has(rule.id);
    default:
      return false;
  }
}

export interface LiveSegments {
  /** Compiled in dependency order, so a live segment refers only to those before it. */
  segments: CompiledSegment[];
  ids: ReadonlySet<string>;
}

/** The live ones among a shop's custom definitions (validated as a whole, as the refresh does). */
export function liveSegmentsOf(raw: unknown, isBuiltIn: (id: string) => boolean): LiveSegments {
  const compiled = compileSegments(raw, isBuiltIn);
  // compileSegments has validated them: they are definitions.
  const byId = new Map((raw as SegmentDefinition[]).map((d) => [d.id, d]));
  const ids = new Set<string>();
  // Dependency order: a segment's references are decided before it.
  for (const { id } of compiled) if (isLiveRule((byId.get(id) as SegmentDefinition).rule, ids)) ids.add(id);
  return { segments: compiled.filter((s) => ids.has(s.id)), ids };
}

/**
 * The customer's segment list with its live memberships recomputed; the others stay as the last
 * refresh left them. Null when nothing changed.
 */
export function liveMembershipChange(
  profile: Pick<Profile, 'customerId' | 'activity' | 'traits' | 'segments'>,
  live: LiveSegments,
  timeZone: string,
  now: Date,
): { segments: string[]; joined: string[]; left: string[] } | null {
  if (live.segments.length === 0) return null;
  const kept = profile.segments.filter((id) => !live.ids.has(id));
  const members = [...kept];
  // Live rules read the input and the discount share; the other features stay neutral.
  const input = customerInputOf(profile, timeZone, now);
  const f: CustomerFeatures = {
    ...neutralFeatures(input),
    discountShare: priceSensitivity(input, saleDays).discountShare,
  };
  const ctx = { nowMs: now.getTime(), isMember: (id: string) => members.includes(id) };
  for (const s of live.segments) if (s.predicate(f, ctx)) members.push(s.id);
  const next = members.sort();
  const before = new Set(profile.segments);
  const joined = next.filter((id) => !before.has(id));
  const left = profile.segments.filter((id) => live.ids.has(id) && !next.includes(id));
  return joined.length + left.length > 0 ? { segments: next, joined, left } : null;
}
