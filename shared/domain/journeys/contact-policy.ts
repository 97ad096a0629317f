import { z } from 'zod';
import type { Channel, Traits } from '../customers/profile.js';
import { ValidationError } from '../errors.js';
import type { ActivityLevel } from '../segments/features.js';
import { issuesOf } from '../validation.js';
import {
  addDays,
  dayMs,
  instantOf,
  isoDay,
  localOf,
  minuteOfDay,
  nextTimeOfDay,
  parseTimeOfDay,
} from './time.js';

/**
 * The contact policy: for the messages due to one customer, which go now, which wait (quiet hours,
 * caps) and until when, which merge into one, and which are dropped. Transactional messages skip
 * caps, quiet hours and merging, never consent. Every message not sent comes back with its reason.
 */

export interface DueMessage {
  /** The send's idempotency key. */
  messageId: string;
  customerId: string;
  channel: Channel;
  purpose: 'marketing' | 'transactional';
  /** Higher goes first. */
  priority: number;
  dueAt: string;
  /** Not sent at or after this; null: no end. */
  expiresAt: string | null;
}

export interface ContactRecord {
  at: string;
  channel: Channel;
  purpose: 'marketing' | 'transactional';
}

export interface CustomerContact {
  customerId: string;
  activity: ActivityLevel;
  traits: Pick<Traits, 'email' | 'phone' | 'consent' | 'suppressed'>;
  /** Messages sent to the customer, at least over the longest cap window. */
  sent: readonly ContactRecord[];
}

export interface ContactPolicy {
  /** The shop's zone: quiet hours and days are on its clock. */
  timeZone: string;
  /** Marketing waits from `from` until `to` (may wrap midnight); null: no quiet hours. */
  quietHours: { from: string; to: string } | null;
  /** At most `messages` marketing messages within any `days` days, by activity level. */
  caps: Record<ActivityLevel, { messages: number; days: number }>;
  /** Marketing messages per calendar day on the shop's clock. */
  marketingPerDay: number;
  /** Marketing messages due within this many minutes of each other go as one. */
  mergeWindowMinutes: number;
  /** opt-in: marketing needs a recorded yes. opt-out: anything but a recorded no. */
  marketingConsent: 'opt-in' | 'opt-out';
}

export function defaultContactPolicy(timeZone: string): ContactPolicy {
  return {
    timeZone,
    quietHours: { from: '21:00', to: '09:00' },
    caps: {
      dormant: { messages: 1, days: 30 },
      warm: { messages: 1, days: 7 },
      active: { messages: 2, days: 7 },
    },
    marketingPerDay: 1,
    mergeWindowMinutes: 60,
    marketingConsent: 'opt-in',
  };
}

/**
 * Cap windows reach back at most this many days: the contact history (journeys and campaigns) is
 * read, and kept, over 31 days (campaigns/treatment.ts historyDays).
 */
export const longestCapDays = 31;

/** What a shop sets of its policy; the zone is the shop's own (ShopSettings.timeZone). */
export type ContactPolicySettings = Omit<ContactPolicy, 'timeZone'>;

const defaults = defaultContactPolicy('UTC');
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM (00:00–23:59)');
const cap = z.strictObject({
  messages: z.number().int().min(1).max(100),
  days: z.number().int().min(1).max(longestCapDays),
});

/**
 * The policy a shop sends: every field may be left out and then has the default's value, so `{}`
 * is the default policy and a shop writes down only what it changes.
 */
export const contactPolicySettingsSchema = z.strictObject({
  quietHours: z
    .strictObject({ from: timeOfDay, to: timeOfDay })
    .refine((q) => q.from !== q.to, {
      message: 'from and to must differ (null: no quiet hours)',
      path: ['to'],
    })
    .nullable()
    .default(defaults.quietHours),
  caps: z
    .strictObject({
      dormant: cap.default(defaults.caps.dormant),
      warm: cap.default(defaults.caps.warm),
      active: cap.default(defaults.caps.active),
    })
    .default(defaults.caps),
  marketingPerDay: z.number().int().min(1).max(24).default(defaults.marketingPerDay),
  mergeWindowMinutes: z.number().int().min(0).max(1440).default(defaults.mergeWindowMinutes),
  marketingConsent: z.enum(['opt-in', 'opt-out']).default(defaults.marketingConsent),
});

export function parseContactPolicySettings(input: unknown): ContactPolicySettings {
  const parsed = contactPolicySettingsSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return parsed.data;
}

type Slot = 'quiet-hours' | 'activity-cap' | 'daily-limit';
export type DeferReason = Slot | 'not-due';
export type DropReason =
  | 'expired'
  | 'no-address'
  | 'no-consent'
  | 'unsubscribed'
  | 'suppressed'
  | `${Slot}-past-expiry`;

export type Decision =
  /** Goes now; `merged` are the ids of the messages it carries as secondary blocks, in order. */
  | { messageId: string; outcome: 'send'; merged: string[] }
  | { messageId: string; outcome: 'merged'; into: string; reason: 'merged' }
  | { messageId: string; outcome: 'defer'; until: string; reason: DeferReason }
  | { messageId: string; outcome: 'drop'; reason: DropReason };

function dropReason(m: DueMessage, c: CustomerContact, policy: ContactPolicy, now: Date): DropReason | null {
  if (m.expiresAt !== null && Date.parse(m.expiresAt) <= now.getTime()) return 'expired';
  const address = m.channel === 'email' ? c.traits.email : c.traits.phone;
  if (!address) return 'no-address';
  if (c.traits.suppressed?.[m.channel]) return 'suppressed';
  const consent = c.traits.consent?.[m.channel]?.[m.purpose === 'marketing' ? 'marketing' : 'care'];
  if (consent === false) return 'unsubscribed';
  if (m.purpose === 'marketing' && consent === undefined && policy.marketingConsent === 'opt-in')
    return 'no-consent';
  return null;
}

function inQuietHours(at: Date, policy: ContactPolicy): boolean {
  if (!policy.quietHours) return false;
  const m = minuteOfDay(at, policy.timeZone);
  const from = parseTimeOfDay(policy.quietHours.from);
  const to = parseTimeOfDay(policy.quietHours.to);
  const f = from.hour * 60 + from.minute;
  const t = to.hour * 60 + to.minute;
  return f > t ? m >= f || m < t : m >= f && m < t;
}

/**
 * The first instant at or after `from` when one more marketing message may go, and what held it
 * back (the first constraint that moved it), given the marketing messages sent so far.
 */
export function nextMarketingSlot(
  sentAt: readonly number[],
  activity: ActivityLevel,
  policy: ContactPolicy,
  from: Date,
): { at: Date; heldBy: Slot | null } {
  const sorted = [...sentAt].sort((a, b) => a - b);
  const cap = policy.caps[activity];
  const capMs = cap.days * dayMs;
  let t = from.getTime();
  let heldBy: Slot | null = null;
  // Each constraint only moves t forward; a few rounds settle them all.
  for (let round = 0; round < 20; round++) {
    let moved: Slot | null = null;
    const inWindow = sorted.filter((x) => x > t - capMs && x <= t);
    if (inWindow.length >= cap.messages) {
      // When enough of them have left the window.
      t = (inWindow[inWindow.length - cap.messages] as number) + capMs;
      moved = 'activity-cap';
    }
    const day = isoDay(localOf(new Date(t), policy.timeZone));
    const today = sorted.filter((x) => isoDay(localOf(new Date(x), policy.timeZone)) === day).length;
    if (today >= policy.marketingPerDay) {
      const tomorrow = addDays(localOf(new Date(t), policy.timeZone), 1);
      t = instantOf({ ...tomorrow, hour: 0, minute: 0 }, policy.timeZone).getTime();
      moved ??= 'daily-limit';
    }
    if (policy.quietHours && inQuietHours(new Date(t), policy)) {
      t = nextTimeOfDay(new Date(t), parseTimeOfDay(policy.quietHours.to), policy.timeZone).getTime();
      moved ??= 'quiet-hours';
    }
    if (!moved) return { at: new Date(t), heldBy };
    heldBy ??= moved;
  }
  throw new Error('contact policy constraints did not settle');
}

const byPriority = (a: DueMessage, b: DueMessage) =>
  b.priority - a.priority ||
  Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
  (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);

/**
 * Decides the messages due to one customer (the runner groups by customer). Marketing messages due
 * within the merge window go as one per channel, highest priority first; only as many groups go as
 * the caps allow now, the rest wait for their slot or are dropped when it comes after they expire.
 */
export function decide(
  messagesDue: readonly DueMessage[],
  contact: CustomerContact,
  policy: ContactPolicy,
  now: Date,
): Decision[] {
  const decisions = new Map<string, Decision>();
  const mergeBy = now.getTime() + policy.mergeWindowMinutes * 60_000;
  const marketing: DueMessage[] = [];
  for (const m of messagesDue) {
    if (m.customerId !== contact.customerId)
      throw new Error(`message ${m.messageId} is for ${m.customerId}, not ${contact.customerId}`);
    const drop = dropReason(m, contact, policy, now);
    if (drop) decisions.set(m.messageId, { messageId: m.messageId, outcome: 'drop', reason: drop });
    else if (Date.parse(m.dueAt) > mergeBy)
      decisions.set(m.messageId, {
        messageId: m.messageId,
        outcome: 'defer',
        until: m.dueAt,
        reason: 'not-due',
      });
    else if (m.purpose === 'transactional')
      decisions.set(m.messageId, { messageId: m.messageId, outcome: 'send', merged: [] });
    else marketing.push(m);
  }
  const groups = new Map<Channel, DueMessage[]>();
  for (const m of [...marketing].sort(byPriority))
    groups.set(m.channel, [...(groups.get(m.channel) ?? []), m]);
  const sentAt = contact.sent.filter((s) => s.purpose === 'marketing').map((s) => Date.parse(s.at));
  // Groups in order of their best message: the most important one takes the slot there is.
  for (const group of [...groups.values()].sort((a, b) =>
    byPriority(a[0] as DueMessage, b[0] as DueMessage),
  )) {
    const slot = nextMarketingSlot(sentAt, contact.activity, policy, now);
    const [head, ...rest] = group as [DueMessage, ...DueMessage[]];
    if (slot.at.getTime() === now.getTime()) {
      decisions.set(head.messageId, {
        messageId: head.messageId,
        outcome: 'send',
        merged: rest.map((m) => m.messageId),
      });
      for (const m of rest)
        decisions.set(m.messageId, {
          messageId: m.messageId,
          outcome: 'merged',
          into: head.messageId,
          reason: 'merged',
        });
      sentAt.push(now.getTime());
      continue;
    }
    const heldBy = slot.heldBy as Slot;
    for (const m of group) {
      const expired = m.expiresAt !== null && Date.parse(m.expiresAt) <= slot.at.getTime();
      decisions.set(
        m.messageId,
        expired
          ? { messageId: m.messageId, outcome: 'drop', reason: `${heldBy}-past-expiry` }
          : { messageId: m.messageId, outcome: 'defer', until: slot.at.toISOString(), reason: heldBy },
      );
    }
  }
  return messagesDue.map((m) => decisions.get(m.messageId) as Decision);
}

/** How many messages each outcome and reason had, for the counts a shop sees. */
export function tally(decisions: readonly Decision[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of decisions) {
    const key = d.outcome === 'send' ? 'send' : `${d.outcome}:${d.reason}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
