import type { StoredEvent } from '../../domain/customers/events.js';
import {
  type LinkSecrets,
  type UnsubscribeLink,
  verifyClickUrl,
  verifyUnsubscribeUrl,
} from '../../domain/sending/links.js';
import type { SendRecord } from '../../domain/sending/send-request.js';
import { sesEventSchema, type TrackedEvent, trackedEvent } from '../../domain/sending/ses-events.js';
import {
  assessShopHealth,
  countsInWindow,
  defaultHealthPolicy,
  type HealthPolicy,
} from '../../domain/sending/shop-health.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import type { SendEventLog, ShopSendingStore } from '../../ports/sending/messaging.js';
import type { SendRecordReader } from '../../ports/sending/send-records.js';

export interface TrackingDeps {
  records: SendEventLog;
  /** Where what a send did to the customer goes (message_*, unsubscribed, page_viewed): the stream applies it. */
  customerEvents: Pick<EventStore, 'append'>;
  sending: Pick<ShopSendingStore, 'count' | 'daily' | 'pause'>;
  clock: () => Date;
  healthPolicy?: HealthPolicy;
}

const day = (iso: string) => iso.slice(0, 10);

/** The customer events a tracked event implies, each with an id derived from the provider's event id. */
function customerEvents(t: TrackedEvent, record: SendRecord, receivedAt: string): StoredEvent[] {
  const common = {
    shopId: record.shopId,
    customerId: record.customerId,
    occurredAt: t.event.at,
    receivedAt,
  };
  const id = `ses:${t.event.eventId}`;
  const sendId = record.sendId;
  switch (t.event.status) {
    case 'delivered':
      return [{ ...common, id, type: 'message_delivered', properties: { sendId } }];
    case 'opened':
      return [{ ...common, id, type: 'message_opened', properties: { sendId } }];
    case 'clicked':
      return [
        {
          ...common,
          id,
          type: 'message_clicked',
          properties: { sendId, ...(t.link ? { url: t.link.slice(0, 2048) } : {}) },
        },
      ];
    case 'bounced':
      return [{ ...common, id, type: 'message_bounced', properties: { sendId, bounceType: 'permanent' } }];
    case 'complained':
      // A complaint is a no to marketing mail as well as a reason to stop mailing the address.
      return [
        { ...common, id, type: 'message_complained', properties: { sendId } },
        {
          ...common,
          id: `${id}:unsubscribed`,
          type: 'unsubscribed',
          properties: { channel: 'email', purpose: 'marketing' },
        },
      ];
    default:
      return [];
  }
}

/**
 * Primary course: one SES event (as its SNS notification's Message) → the send's status history, the
 * customer's profile (through events: suppression, consent, engagement), and the shop's health
 * counts; a shop over its bounce or complaint threshold is paused with the reason. Redelivered
 * notifications change nothing twice (the provider event id is kept on the record, the customer
 * events' ids derive from it, the counts remember it).
 */
export async function trackSesEvent(
  deps: TrackingDeps,
  message: unknown,
  eventId: string,
): Promise<{ tracked: false; why: string } | { tracked: true; record: SendRecord; paused: boolean }> {
  const parsed = sesEventSchema.safeParse(message);
  if (!parsed.success) return { tracked: false, why: 'not an SES event record' };
  const t = trackedEvent(parsed.data, eventId);
  if (!t) return { tracked: false, why: 'not a send of huitou' };
  const record = await deps.records.append(t.shopId, t.sendId, t.event);
  if (!record) return { tracked: false, why: 'no such send' };
  const receivedAt = deps.clock().toISOString();
  const events = customerEvents(t, record, receivedAt);
  if (events.length > 0) await deps.customerEvents.append(events);

  const kind =
    t.event.status === 'accepted'
      ? 'sent'
      : t.event.status === 'bounced'
        ? 'bounces'
        : t.event.status === 'complained'
          ? 'complaints'
          : null;
  if (!kind) return { tracked: true, record, paused: false };
  await deps.sending.count(t.shopId, day(t.event.at), kind, eventId);
  if (kind === 'sent') return { tracked: true, record, paused: false };
  const policy = deps.healthPolicy ?? defaultHealthPolicy;
  const today = day(receivedAt);
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - (policy.windowDays - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const verdict = assessShopHealth(
    countsInWindow(await deps.sending.daily(t.shopId, from, today), today, policy),
    policy,
  );
  const paused =
    verdict.action === 'pause' && (await deps.sending.pause(t.shopId, verdict.reasons, receivedAt));
  return { tracked: true, record, paused };
}

export interface LinkDeps {
  records: SendEventLog & Pick<SendRecordReader, 'get'>;
  customerEvents: Pick<EventStore, 'append'>;
  sending: { get(shopId: string): Promise<{ allowedHosts: string[] }> };
  secrets: LinkSecrets;
  clock: () => Date;
}

export type ClickResult = { ok: true; location: string } | { ok: false; reason: string };

/**
 * A click through the signed redirect: verified (signature, expiry, the shop's hosts as they are now:
 * never an open redirect), recorded on the send, and counted as a visit so segments and journeys see
 * it. The redirect goes even when the send is unknown (erased): only a bad link is refused.
 */
export async function followClick(deps: LinkDeps, url: string): Promise<ClickResult> {
  const now = deps.clock();
  // The shop id is read before verifying only to find its hosts; nothing is believed until verified.
  const shopId = new URL(url).searchParams.get('s') ?? '';
  const hosts = shopId ? (await deps.sending.get(shopId)).allowedHosts : [];
  const link = verifyClickUrl(url, deps.secrets, hosts, now);
  if (!link.ok) return { ok: false, reason: link.reason };
  // A click in a preview is the shop looking at its own message: it goes where it leads, unrecorded.
  if (link.preview) return { ok: true, location: link.destination };
  const at = now.toISOString();
  const clickId = `click:${link.sendId}:${at}`;
  const record = await deps.records.append(link.shopId, link.sendId, {
    status: 'clicked',
    at,
    eventId: clickId,
    detail: link.destination,
  });
  if (record) {
    const common = { shopId: record.shopId, customerId: record.customerId, occurredAt: at, receivedAt: at };
    const destination = link.destination.slice(0, 2048);
    await deps.customerEvents.append([
      {
        ...common,
        id: clickId,
        type: 'message_clicked',
        properties: { sendId: record.sendId, url: destination },
      },
      { ...common, id: `${clickId}:visit`, type: 'page_viewed', properties: { url: destination } },
    ]);
  }
  return { ok: true, location: link.destination };
}

export type UnsubscribeResult =
  | {
      ok: true;
      shopId: string;
      channel: 'email' | 'sms';
      purpose: 'marketing' | 'care';
      /** A preview's link: nobody was (or would be) unsubscribed. */
      preview?: true;
    }
  | { ok: false; reason: string };

/** Checks an unsubscribe link (the GET that shows the confirmation page): nothing is recorded. */
export function checkUnsubscribe(deps: Pick<LinkDeps, 'secrets' | 'clock'>, url: string): UnsubscribeResult {
  const link = verifyUnsubscribeUrl(url, deps.secrets, deps.clock());
  return link.ok ? unsubscribed(link) : link;
}

const unsubscribed = (link: UnsubscribeLink): UnsubscribeResult => ({
  ok: true,
  shopId: link.shopId,
  channel: link.channel,
  purpose: link.purpose,
  ...(link.preview ? { preview: true as const } : {}),
});

/**
 * The unsubscribe (RFC 8058 one-click POST, or the confirmation page's button): consent false for
 * that channel and purpose, through an `unsubscribed` event the stream applies. Once per link.
 */
export async function unsubscribe(
  deps: Pick<LinkDeps, 'customerEvents' | 'secrets' | 'clock'>,
  url: string,
): Promise<UnsubscribeResult> {
  const now = deps.clock();
  const link = verifyUnsubscribeUrl(url, deps.secrets, now);
  if (!link.ok) return link;
  // A preview's link unsubscribes nobody: the customer never saw it.
  if (link.preview) return unsubscribed(link);
  const at = now.toISOString();
  await deps.customerEvents.append([
    {
      shopId: link.shopId,
      customerId: link.customerId,
      id: `unsubscribe:${link.sendId}:${link.channel}:${link.purpose}`,
      type: 'unsubscribed',
      occurredAt: at,
      receivedAt: at,
      properties: { channel: link.channel, purpose: link.purpose },
    },
  ]);
  return unsubscribed(link);
}
