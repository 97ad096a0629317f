import {
  eventStatus,
  historyEntry,
  statusRank,
} from '../../../shared/adapters/dynamodb/send-record-store.js';
import type { OutgoingMessage } from '../../../shared/domain/sending/messages.js';
import type { SendEvent } from '../../../shared/domain/sending/send-events.js';
import type { SendSource } from '../../../shared/domain/sending/send-identity.js';
import type { Conversion, SendRecord, SendRequest } from '../../../shared/domain/sending/send-request.js';
import type { SendingSettingsInput } from '../../../shared/domain/sending/sending-settings.js';
import type { PauseReason } from '../../../shared/domain/sending/shop-health.js';
import { minuteKey } from '../../../shared/domain/shops/schedule.js';
import type {
  Accepted,
  Claim,
  DueStep,
  DueStepStore,
  EmailChannel,
  MessageChannel,
  OutgoingEmail,
  OutgoingSms,
  SavedTemplate,
  SendEventLog,
  SendLedger,
  SendQueue,
  SendRecordWriter,
  ShopSending,
  ShopSendingStore,
  SmsChannel,
  TemplateStore,
} from '../../../shared/ports/sending/messaging.js';
import type { SendRequestQueue } from '../../../shared/ports/sending/send-queue.js';
import type { ConversionWriter, SendRecordReader } from '../../../shared/ports/sending/send-records.js';
import { copy, Faults } from './faults.js';
import { convertRecord, reviseRecord } from './send-records.js';

export interface LedgerEntry {
  message: OutgoingMessage;
  status: 'sending' | 'sent' | 'failed';
  history: Array<{ status: string; at: string }>;
  providerMessageId?: string;
  failure?: string;
}

/** A condition that did not hold, where the adapter lets DynamoDB's error through. */
export class ConditionFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

/**
 * The send ledger of DynamoSendLedger: one entry per shop and send id. A claim succeeds only where
 * there is no entry; recording needs the claim (the adapter appends to its history); a release
 * deletes only a claim still `sending`, and throws otherwise.
 */
export class FakeSendLedger implements SendLedger {
  readonly faults = new Faults<'claim' | 'record' | 'release'>();
  private readonly entries = new Map<string, LedgerEntry>();

  async claim(message: OutgoingMessage, at: string): Promise<boolean> {
    this.faults.check('claim');
    const key = sendKey(message);
    if (this.entries.has(key)) return false;
    this.entries.set(key, {
      message: copy(message),
      status: 'sending',
      history: [{ status: 'sending', at }],
    });
    return true;
  }

  async record(
    message: OutgoingMessage,
    outcome: { status: 'sent'; providerMessageId: string } | { status: 'failed'; reason: string },
    at: string,
  ): Promise<void> {
    this.faults.check('record');
    const entry = this.entries.get(sendKey(message));
    if (!entry) throw new Error('ValidationException: history does not exist');
    entry.status = outcome.status;
    entry.history.push({ status: outcome.status, at });
    entry.providerMessageId = outcome.status === 'sent' ? outcome.providerMessageId : undefined;
    entry.failure = outcome.status === 'failed' ? outcome.reason : undefined;
  }

  async release(message: OutgoingMessage): Promise<void> {
    this.faults.check('release');
    const key = sendKey(message);
    if (this.entries.get(key)?.status !== 'sending') throw new ConditionFailed('not a claim in progress');
    this.entries.delete(key);
  }

  entry(message: Pick<OutgoingMessage, 'shopId' | 'sendId'>): LedgerEntry | undefined {
    const entry = this.entries.get(sendKey(message));
    return entry && copy(entry);
  }
}

function sendKey(m: Pick<OutgoingMessage, 'shopId' | 'sendId'>): string {
  return `${m.shopId}#${m.sendId}`;
}

/** A provider: keeps what it was handed; `failNextWith` makes the next deliveries throw. */
export class FakeChannel implements MessageChannel {
  readonly delivered: OutgoingMessage[] = [];
  private readonly errors: Error[] = [];

  constructor(private readonly name = 'provider') {}

  failNextWith(...errors: Error[]): void {
    this.errors.push(...errors);
  }

  async deliver(message: OutgoingMessage): Promise<string> {
    const error = this.errors.shift();
    if (error) throw error;
    this.delivered.push(copy(message));
    return `${this.name}-${this.delivered.length}`;
  }
}

/** The send queue: what was enqueued, in order, until a consumer takes it. */
export class FakeSendQueue implements SendQueue {
  readonly faults = new Faults<'enqueue'>();
  private queued: OutgoingMessage[] = [];

  async enqueue(messages: OutgoingMessage[]): Promise<void> {
    this.faults.check('enqueue');
    this.queued.push(...copy(messages));
  }

  peek(): OutgoingMessage[] {
    return copy(this.queued);
  }

  /** Hands every queued message to the consumer and empties the queue, as a receive-and-delete would. */
  take(): OutgoingMessage[] {
    const out = this.queued;
    this.queued = [];
    return out;
  }
}

/** The due-step store of DynamoDueStepStore: one step per shop and step id in the minute it is due. */
export class FakeDueStepStore implements DueStepStore {
  readonly faults = new Faults<'schedule' | 'dueIn' | 'remove'>();
  private readonly steps = new Map<string, DueStep>();

  async schedule(step: DueStep): Promise<void> {
    this.faults.check('schedule');
    this.steps.set(stepKey(step), copy(step));
  }

  async dueIn(minute: string): Promise<DueStep[]> {
    this.faults.check('dueIn');
    return [...this.steps.entries()].filter(([key]) => key.startsWith(`${minute}|`)).map(([, s]) => copy(s));
  }

  async remove(step: DueStep): Promise<void> {
    this.faults.check('remove');
    this.steps.delete(stepKey(step));
  }

  pending(): DueStep[] {
    return copy([...this.steps.values()]);
  }
}

function stepKey(step: Pick<DueStep, 'shopId' | 'stepId' | 'dueAt'>): string {
  return `${minuteKey(new Date(step.dueAt))}|${step.shopId}#${step.stepId}`;
}

// ——— The sender on SendRequests: fakes of the send-record store, shop sending state, templates, channels. ———

/** The send records of DynamoSendRecordStore: the same conditions, leases, forward-only statuses. */
export class FakeSendRecords implements SendRecordWriter, SendEventLog, SendRecordReader, ConversionWriter {
  readonly faults = new Faults<'settle' | 'claim' | 'handOver' | 'complete' | 'release' | 'append'>();
  private readonly items = new Map<
    string,
    { record: SendRecord; leaseUntil?: string; handedAt?: string; seen: Set<string> }
  >();

  private key(shopId: string, sendId: string) {
    return `${shopId}#${sendId}`;
  }

  async settle(record: SendRecord): Promise<boolean> {
    this.faults.check('settle');
    const key = this.key(record.shopId, record.sendId);
    if (this.items.has(key)) return false;
    this.items.set(key, { record: copy(record), seen: new Set() });
    return true;
  }

  async claim(record: SendRecord, at: string, leaseUntil: string): Promise<Claim> {
    this.faults.check('claim');
    const key = this.key(record.shopId, record.sendId);
    const item = this.items.get(key);
    if (!item) {
      this.items.set(key, { record: copy(record), leaseUntil, seen: new Set() });
      return { kind: 'claimed', record: copy(record), takenOver: false };
    }
    if (item.record.status !== 'sending') return { kind: 'settled', record: copy(item.record) };
    if (item.leaseUntil && item.leaseUntil > at) return { kind: 'leased', leaseUntil: item.leaseUntil };
    item.leaseUntil = leaseUntil;
    item.record.history.push({ status: 'sending', at });
    return {
      kind: 'claimed',
      record: copy(item.record),
      takenOver: true,
      ...(item.handedAt ? { handedAt: item.handedAt } : {}),
    };
  }

  async handOver(shopId: string, sendId: string, at: string): Promise<void> {
    this.faults.check('handOver');
    const item = this.items.get(this.key(shopId, sendId));
    if (item?.record.status !== 'sending') throw new ConditionFailed('not sending');
    item.handedAt = at;
  }

  async complete(
    shopId: string,
    sendId: string,
    outcome:
      | { status: 'sent'; providerMessageId: string; costMicros: number }
      | { status: 'skipped' | 'failed'; reason: string },
    at: string,
  ): Promise<boolean> {
    this.faults.check('complete');
    const item = this.items.get(this.key(shopId, sendId));
    if (item?.record.status !== 'sending') {
      // SES's Send event came first: the record knows the message, not its price.
      if (
        item &&
        outcome.status === 'sent' &&
        item.record.providerMessageId === outcome.providerMessageId &&
        item.record.costMicros === undefined
      )
        item.record.costMicros = outcome.costMicros;
      return false;
    }
    item.record.status = outcome.status;
    item.record.history.push({ status: outcome.status, at });
    if (outcome.status === 'sent') {
      item.record.providerMessageId = outcome.providerMessageId;
      item.record.costMicros = outcome.costMicros;
      item.record.sentAt = at;
    } else item.record.reason = outcome.reason;
    item.leaseUntil = undefined;
    return true;
  }

  async release(shopId: string, sendId: string): Promise<void> {
    this.faults.check('release');
    const item = this.items.get(this.key(shopId, sendId));
    if (item?.record.status !== 'sending') return;
    item.leaseUntil = undefined;
    item.handedAt = undefined;
  }

  async append(shopId: string, sendId: string, event: SendEvent): Promise<SendRecord | null> {
    this.faults.check('append');
    const item = this.items.get(this.key(shopId, sendId));
    if (!item) return null;
    if (item.seen.has(event.eventId)) return copy(item.record);
    const status = eventStatus(event.status);
    // SES's Send event for a send recorded as sent already says nothing new.
    if (event.status === 'accepted' && item.record.status !== 'sending') return copy(item.record);
    item.seen.add(event.eventId);
    item.record.history.push(historyEntry(event));
    if (status && statusRank[status] > statusRank[item.record.status]) {
      item.record.status = status;
      item.leaseUntil = undefined;
      if (event.status === 'accepted' && event.providerMessageId) {
        item.record.providerMessageId ??= event.providerMessageId;
        item.record.sentAt ??= event.at;
      }
    }
    return copy(item.record);
  }

  async get(shopId: string, sendId: string): Promise<SendRecord | null> {
    const item = this.items.get(this.key(shopId, sendId));
    return item ? copy(item.record) : null;
  }

  async ofCustomer(shopId: string, customerId: string, from: string, to: string): Promise<SendRecord[]> {
    return [...this.items.values()]
      .map((i) => i.record)
      .filter(
        (r) =>
          r.shopId === shopId && r.customerId === customerId && r.requestedAt >= from && r.requestedAt <= to,
      )
      .sort((a, b) =>
        a.requestedAt === b.requestedAt
          ? a.sendId < b.sendId
            ? 1
            : -1
          : a.requestedAt < b.requestedAt
            ? 1
            : -1,
      )
      .map(copy);
  }

  async ofSource(
    shopId: string,
    source: SendSource,
    page: { limit: number; cursor?: string },
  ): Promise<{ records: SendRecord[]; cursor?: string }> {
    const all = [...this.items.values()]
      .map((i) => i.record)
      .filter((r) => r.shopId === shopId && JSON.stringify(r.source) === JSON.stringify(source))
      .sort((a, b) => (a.sendId < b.sendId ? -1 : 1));
    const start = page.cursor ? all.findIndex((r) => r.sendId > (page.cursor as string)) : 0;
    const records = start < 0 ? [] : all.slice(start, start + page.limit);
    const last = records.at(-1);
    return last && all.at(-1) !== last
      ? { records: copy(records), cursor: last.sendId }
      : { records: copy(records) };
  }

  async recordConversion(shopId: string, sendId: string, conversion: Conversion): Promise<boolean> {
    const item = this.items.get(this.key(shopId, sendId));
    return item ? convertRecord(item.record, conversion) : false;
  }

  async reviseConversion(
    shopId: string,
    sendId: string,
    orderId: string,
    returned: number,
  ): Promise<boolean> {
    return reviseRecord(this.items.get(this.key(shopId, sendId))?.record, orderId, returned);
  }

  /** The record's lease and hand-over marks, as the adapter keeps them beside it. */
  marks(shopId: string, sendId: string) {
    const item = this.items.get(this.key(shopId, sendId));
    return item && { leaseUntil: item.leaseUntil, handedAt: item.handedAt };
  }
}

/** A shop's sending settings and counters, as DynamoShopSendingStore keeps them. */
export class FakeShopSending implements ShopSendingStore {
  private readonly shops = new Map<string, ShopSending>();
  private readonly days = new Map<
    string,
    { day: string; sent: number; bounces: number; complaints: number }
  >();
  private readonly counted = new Set<string>();

  set(shopId: string, settings: Partial<ShopSending>): void {
    this.shops.set(shopId, { allowedHosts: [], marketingConsent: 'opt-in', ...settings });
  }

  async get(shopId: string): Promise<ShopSending> {
    return copy(this.shops.get(shopId) ?? { allowedHosts: [], marketingConsent: 'opt-in' });
  }

  async put(shopId: string, settings: SendingSettingsInput): Promise<void> {
    const paused = this.shops.get(shopId)?.paused;
    this.shops.set(
      shopId,
      copy({
        ...settings,
        allowedHosts: settings.allowedHosts ?? [],
        marketingConsent: settings.marketingConsent ?? 'opt-in',
        ...(paused ? { paused } : {}),
      }),
    );
  }

  async count(shopId: string, day: string, kind: 'sent' | 'bounces' | 'complaints', eventId: string) {
    if (this.counted.has(`${shopId}#${eventId}`)) return;
    this.counted.add(`${shopId}#${eventId}`);
    const key = `${shopId}#${day}`;
    const d = this.days.get(key) ?? { day, sent: 0, bounces: 0, complaints: 0 };
    d[kind] += 1;
    this.days.set(key, d);
  }

  async daily(shopId: string, from: string, to: string) {
    return [...this.days.entries()]
      .filter(([k, d]) => k.startsWith(`${shopId}#`) && d.day >= from && d.day <= to)
      .map(([, d]) => copy(d));
  }

  async pause(shopId: string, reasons: PauseReason[], at: string): Promise<boolean> {
    const current = await this.get(shopId);
    if (current.paused) return false;
    this.shops.set(shopId, { ...current, paused: { at, reasons: copy(reasons) } });
    return true;
  }
}

export class FakeTemplates implements TemplateStore {
  private readonly saved = new Map<string, SavedTemplate>();

  async get(shopId: string, templateId: string): Promise<SavedTemplate | null> {
    const t = this.saved.get(`${shopId}#${templateId}`);
    return t ? copy(t) : null;
  }

  async list(shopId: string): Promise<SavedTemplate[]> {
    return [...this.saved.values()].filter((t) => t.shopId === shopId).map(copy);
  }

  async put(template: SavedTemplate, previousVersion: number | null): Promise<boolean> {
    const key = `${template.shopId}#${template.templateId}`;
    if ((this.saved.get(key)?.version ?? null) !== previousVersion) return false;
    this.saved.set(key, copy(template));
    return true;
  }
}

/**
 * A provider: keeps what it accepted. `failNextWith` makes the next calls throw before accepting;
 * `crashAfterAccepting` accepts the next message and then throws, as a process dying between the
 * provider's answer and the record would.
 */
export class FakeProvider<M> {
  readonly accepted: M[] = [];
  private readonly errors: Error[] = [];
  private crashes = 0;

  constructor(
    private readonly name: string,
    private readonly costMicros: number,
  ) {}

  failNextWith(...errors: Error[]): void {
    this.errors.push(...errors);
  }

  crashAfterAccepting(times = 1): void {
    this.crashes += times;
  }

  async send(message: M): Promise<Accepted> {
    const error = this.errors.shift();
    if (error) throw error;
    this.accepted.push(copy(message));
    if (this.crashes > 0) {
      this.crashes -= 1;
      throw new Error('injected crash after the provider accepted');
    }
    return { providerMessageId: `${this.name}-${this.accepted.length}`, costMicros: this.costMicros };
  }
}

export class FakeEmailChannel extends FakeProvider<OutgoingEmail> implements EmailChannel {
  constructor() {
    super('ses', 100);
  }
}

export class FakeSmsChannel extends FakeProvider<OutgoingSms> implements SmsChannel {
  constructor() {
    super('sns', 6_450);
  }
}

/** The send queue of SendRequests. */
export class FakeSendRequestQueue implements SendRequestQueue {
  private queued: SendRequest[] = [];

  async enqueue(requests: SendRequest[]): Promise<void> {
    this.queued.push(...copy(requests));
  }

  take(): SendRequest[] {
    const out = this.queued;
    this.queued = [];
    return out;
  }
}
