import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { normalizeCode } from '../../domain/journeys/coupons.js';
import type { SendSource } from '../../domain/sending/send-identity.js';
import type { Conversion, SendRecord, SendStatus } from '../../domain/sending/send-request.js';
import type { CouponIssue, CouponStore } from '../../ports/journeys/coupons.js';
import type { Claim, SendEvent, SendEventLog, SendRecordWriter } from '../../ports/sending/messaging.js';
import type { ConversionWriter, SendRecordReader } from '../../ports/sending/send-records.js';
import { batchGet, batchPut, conditionally, isConditionFailure } from './batch.js';
import { keys } from './keys.js';

/**
 * How far along a send is: a status moves only forward (an open arriving after a click leaves it
 * clicked; a complaint after a delivery makes it complained). `sending` is 0; withheld and skipped
 * never get provider events.
 */
export const statusRank: Record<SendStatus, number> = {
  withheld: 9,
  skipped: 9,
  sending: 0,
  sent: 1,
  delivered: 2,
  opened: 3,
  clicked: 4,
  rejected: 5,
  failed: 5,
  bounced: 5,
  complained: 6,
};

/** What an event makes the status, if anything (a delay or a second Send changes nothing). */
export function eventStatus(event: SendEvent['status']): SendStatus | null {
  if (event === 'accepted') return 'sent';
  if (event === 'delivery-delayed') return null;
  if (event === 'rendering-failed') return 'failed';
  return event;
}

/**
 * The history entry of an event, in SendStatus terms: a delay (or a transient bounce) is kept as
 * `sent` with what SES said, SES's Send event as `sent`, a rendering failure as `failed`.
 */
export function historyEntry(event: SendEvent): { status: SendStatus; at: string; detail?: string } {
  const status = eventStatus(event.status) ?? 'sent';
  const detail =
    event.status === 'delivery-delayed'
      ? `delivery-delayed${event.detail ? `: ${event.detail}` : ''}`
      : event.detail;
  return { status, at: event.at, ...(detail ? { detail } : {}) };
}

const sourceIdOf = (s: SendSource) => (s.kind === 'campaign' ? s.campaignId : s.journeyId);

const internal = new Set(['pk', 'sk', 'leaseUntil', 'handedAt', 'rank', 'seenEvents']);

function recordOf(item: Record<string, unknown>): SendRecord {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !internal.has(k))) as unknown as SendRecord;
}

/**
 * A code's item: the send that carried it and what its checks need (coupons.ts redeem), so the
 * checkout and redemption read one small item; `redeemedBy` is set on it later, once.
 */
function couponItem(record: SendRecord): Record<string, unknown> {
  const { sendId, customerId, requestedAt, couponRuleId, couponValidUntil } = record;
  return {
    sendId,
    customerId,
    ...(couponRuleId && couponValidUntil
      ? { ruleId: couponRuleId, validFrom: requestedAt, validUntil: couponValidUntil }
      : {}),
  };
}

function couponIssueOf(code: string, item: Record<string, unknown>): CouponIssue {
  const sendId = item.sendId as string;
  if (typeof item.ruleId !== 'string') return { sendId };
  return {
    sendId,
    coupon: {
      code,
      ruleId: item.ruleId,
      customerId: item.customerId as string,
      idempotencyKey: sendId,
      validFrom: item.validFrom as string,
      validUntil: item.validUntil as string,
      redeemedBy: (item.redeemedBy as string | undefined) ?? null,
    },
  };
}

/** The next page's start, as an opaque string. */
const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
const decodeCursor = (cursor: string | undefined) =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>) : undefined;

/**
 * Send records on DynamoDB: one item per send (keys.send), written with its index entries when the
 * send is first claimed or settled; status updates touch only the record, so no index entry is
 * moved by them.
 */
export class DynamoSendRecordStore
  implements SendRecordWriter, SendEventLog, SendRecordReader, ConversionWriter, CouponStore
{
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The record, created once (conditional put), then its index entries. No transaction (half the
   * write units): the entries never change and are keyed by the send, so every path that finds the
   * record made already, as a retry after a crash between the two does, writes them again from it.
   */
  private async create(record: SendRecord, extra: Record<string, unknown>): Promise<boolean> {
    const created = await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.send(record.shopId, record.sendId),
            ...record,
            rank: statusRank[record.status],
            ...extra,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    if (created) await this.writeIndexEntries(record);
    return created;
  }

  /** The record as stored, its index entries written again (see create). */
  private async existing(shopId: string, sendId: string): Promise<Record<string, unknown> | undefined> {
    const item = (
      await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keys.send(shopId, sendId), ConsistentRead: true }),
      )
    ).Item;
    if (item) await this.writeIndexEntries(recordOf(item));
    return item;
  }

  private async writeIndexEntries(record: SendRecord): Promise<void> {
    const { shopId, sendId, customerId, requestedAt, source } = record;
    const pointer = { shopId, sendId, channel: record.channel, purpose: record.purpose, requestedAt };
    await Promise.all([
      batchPut(this.doc, this.tableName, [
        { ...keys.customerSend(shopId, customerId, requestedAt, sendId), ...pointer },
        { ...keys.sourceSend(shopId, source.kind, sourceIdOf(source), sendId), ...pointer },
      ]),
      // The coupon's item is the one entry that changes later (the order that redeemed it): only made.
      record.couponCode &&
        conditionally(() =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...keys.couponSend(shopId, record.couponCode as string), ...couponItem(record) },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
    ]);
  }

  async settle(record: SendRecord): Promise<boolean> {
    if (await this.create(record, {})) return true;
    await this.existing(record.shopId, record.sendId);
    return false;
  }

  async claim(record: SendRecord, at: string, leaseUntil: string): Promise<Claim> {
    if (await this.create(record, { leaseUntil })) {
      return { kind: 'claimed', record, takenOver: false };
    }
    const key = keys.send(record.shopId, record.sendId);
    const current = await this.existing(record.shopId, record.sendId);
    if (!current) throw new Error(`send ${record.sendId}: neither created nor found`);
    if (current.status !== 'sending') return { kind: 'settled', record: recordOf(current) };
    if (typeof current.leaseUntil === 'string' && current.leaseUntil > at)
      return { kind: 'leased', leaseUntil: current.leaseUntil };
    // Take over only the lease we saw: of two attempts after it ran out, one wins.
    const out = await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET leaseUntil = :lease, history = list_append(history, :h)',
          ConditionExpression: '#s = :sending AND leaseUntil = :seen',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':lease': leaseUntil,
            ':seen': current.leaseUntil,
            ':sending': 'sending',
            ':h': [{ status: 'sending', at }],
          },
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch((error: unknown) => {
        if (isConditionFailure(error)) return null;
        throw error;
      });
    if (!out?.Attributes) return this.claim(record, at, leaseUntil);
    const handedAt = current.handedAt as string | undefined;
    return {
      kind: 'claimed',
      record: recordOf(out.Attributes),
      takenOver: true,
      ...(handedAt ? { handedAt } : {}),
    };
  }

  async handOver(shopId: string, sendId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.send(shopId, sendId),
        UpdateExpression: 'SET handedAt = :at',
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':at': at, ':sending': 'sending' },
      }),
    );
  }

  async complete(
    shopId: string,
    sendId: string,
    outcome:
      | { status: 'sent'; providerMessageId: string; costMicros: number }
      | { status: 'skipped' | 'failed'; reason: string },
    at: string,
  ): Promise<boolean> {
    const sent = outcome.status === 'sent';
    const settled = await conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.send(shopId, sendId),
          UpdateExpression: sent
            ? 'SET #s = :s, #r = :rank, history = list_append(history, :h), providerMessageId = :p, costMicros = :c, sentAt = :at REMOVE leaseUntil'
            : 'SET #s = :s, #r = :rank, history = list_append(history, :h), reason = :why REMOVE leaseUntil',
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'status', '#r': 'rank' },
          ExpressionAttributeValues: {
            ':s': outcome.status,
            ':rank': statusRank[outcome.status],
            ':sending': 'sending',
            ':h': [{ status: outcome.status, at }],
            ...(sent
              ? { ':p': outcome.providerMessageId, ':c': outcome.costMicros, ':at': at }
              : { ':why': outcome.reason }),
          },
        }),
      ),
    );
    // SES's Send event came first and settled the record: it knows the message, not its price.
    if (!settled && outcome.status === 'sent')
      await conditionally(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.send(shopId, sendId),
            UpdateExpression: 'SET costMicros = :c',
            ConditionExpression: 'providerMessageId = :p AND attribute_not_exists(costMicros)',
            ExpressionAttributeValues: { ':c': outcome.costMicros, ':p': outcome.providerMessageId },
          }),
        ),
      );
    return settled;
  }

  async release(shopId: string, sendId: string): Promise<void> {
    await conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.send(shopId, sendId),
          UpdateExpression: 'REMOVE leaseUntil, handedAt',
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      ),
    );
  }

  async append(shopId: string, sendId: string, event: SendEvent): Promise<SendRecord | null> {
    const key = keys.send(shopId, sendId);
    const status = eventStatus(event.status);
    const entry = [historyEntry(event)];
    const base = {
      TableName: this.tableName,
      Key: key,
      ReturnValues: 'ALL_NEW' as const,
    };
    const notSeen = 'attribute_exists(pk) AND NOT contains(seenEvents, :eid)';
    // First: the event moves the status forward (and SES's Send event settles a `sending` record as sent).
    if (status) {
      const accepted = event.status === 'accepted';
      const out = await this.doc
        .send(
          new UpdateCommand({
            ...base,
            UpdateExpression: `SET #s = :s, #r = :rank, history = list_append(history, :h)${
              accepted && event.providerMessageId
                ? ', providerMessageId = if_not_exists(providerMessageId, :p), sentAt = if_not_exists(sentAt, :at)'
                : ''
            } ADD seenEvents :eids REMOVE leaseUntil`,
            ConditionExpression: `${notSeen} AND #r < :rank`,
            ExpressionAttributeNames: { '#s': 'status', '#r': 'rank' },
            ExpressionAttributeValues: {
              ':s': status,
              ':rank': statusRank[status],
              ':h': entry,
              ':eid': event.eventId,
              ':eids': new Set([event.eventId]),
              ...(accepted && event.providerMessageId
                ? { ':p': event.providerMessageId, ':at': event.at }
                : {}),
            },
          }),
        )
        .catch((error: unknown) => {
          if (isConditionFailure(error)) return null;
          throw error;
        });
      if (out?.Attributes) return recordOf(out.Attributes);
      // SES's Send event for a send the sender has recorded as sent already says nothing new.
      if (accepted) return this.get(shopId, sendId);
    }
    // Else: history only, once per event.
    const out = await this.doc
      .send(
        new UpdateCommand({
          ...base,
          UpdateExpression: 'SET history = list_append(history, :h) ADD seenEvents :eids',
          ConditionExpression: notSeen,
          ExpressionAttributeValues: {
            ':h': entry,
            ':eid': event.eventId,
            ':eids': new Set([event.eventId]),
          },
        }),
      )
      .catch((error: unknown) => {
        if (isConditionFailure(error)) return null;
        throw error;
      });
    if (out?.Attributes) return recordOf(out.Attributes);
    return this.get(shopId, sendId);
  }

  async get(shopId: string, sendId: string): Promise<SendRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.send(shopId, sendId), ConsistentRead: true }),
    );
    return out.Item ? recordOf(out.Item) : null;
  }

  private async records(shopId: string, sendIds: string[]): Promise<SendRecord[]> {
    const items = await batchGet(
      this.doc,
      this.tableName,
      sendIds.map((id) => keys.send(shopId, id)),
      { consistent: false },
    );
    const byId = new Map(items.map((i) => [i.sendId as string, recordOf(i)]));
    return sendIds.flatMap((id) => byId.get(id) ?? []);
  }

  private async pointers(shopId: string, customerId: string, from: string, to: string) {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.customerSends(shopId, customerId),
            ':from': from,
            // Every send id sorts before `~`: the sends requested at `to` itself are in.
            ':to': `${to}#~`,
          },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async ofCustomer(shopId: string, customerId: string, from: string, to: string): Promise<SendRecord[]> {
    const pointers = await this.pointers(shopId, customerId, from, to);
    return this.records(
      shopId,
      pointers.map((p) => p.sendId as string),
    );
  }

  async ofSource(
    shopId: string,
    source: SendSource,
    page: { limit: number; cursor?: string },
  ): Promise<{ records: SendRecord[]; cursor?: string }> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.sourceSends(shopId, source.kind, sourceIdOf(source)) },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor),
      }),
    );
    const records = await this.records(
      shopId,
      (out.Items ?? []).map((p) => p.sendId as string),
    );
    const cursor = encodeCursor(out.LastEvaluatedKey);
    return cursor ? { records, cursor } : { records };
  }

  async couponOf(shopId: string, code: string): Promise<CouponIssue | null> {
    const normal = normalizeCode(code);
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.couponSend(shopId, normal) }),
    );
    return out.Item ? couponIssueOf(normal, out.Item) : null;
  }

  markRedeemed(shopId: string, code: string, orderId: string, at: string): Promise<boolean> {
    // Set once; the same order again (a replayed batch) matches and writes the same values.
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.couponSend(shopId, normalizeCode(code)),
          UpdateExpression: 'SET redeemedBy = :o, redeemedAt = if_not_exists(redeemedAt, :at)',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(redeemedBy) OR redeemedBy = :o)',
          ExpressionAttributeValues: { ':o': orderId, ':at': at },
        }),
      ),
    );
  }

  recordConversion(shopId: string, sendId: string, conversion: Conversion): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.send(shopId, sendId),
          UpdateExpression: 'SET conversion = :c',
          // A conversion whose order was cancelled or refunded in full leaves the send free again.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(conversion) OR conversion.returned >= conversion.revenue)',
          ExpressionAttributeValues: { ':c': conversion },
        }),
      ),
    );
  }

  reviseConversion(shopId: string, sendId: string, orderId: string, returned: number): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.send(shopId, sendId),
          UpdateExpression: 'SET conversion.returned = :r',
          ConditionExpression: 'conversion.orderId = :o',
          ExpressionAttributeValues: { ':r': returned, ':o': orderId },
        }),
      ),
    );
  }
}
