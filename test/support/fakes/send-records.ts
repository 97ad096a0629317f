import { normalizeCode } from '../../../shared/domain/journeys/coupons.js';
import type { SendSource } from '../../../shared/domain/sending/send-identity.js';
import { type Conversion, type SendRecord, stands } from '../../../shared/domain/sending/send-request.js';
import type { CouponIssue, CouponStore } from '../../../shared/ports/journeys/coupons.js';
import type { ConversionWriter, SendRecordReader } from '../../../shared/ports/sending/send-records.js';
import { copy, Faults } from './faults.js';

const sourceKey = (source: SendSource) =>
  source.kind === 'campaign' ? `campaign#${source.campaignId}` : `journey#${source.journeyId}`;

/**
 * The send records as the DynamoDB adapter keeps them: one per shop and send id; a customer's by
 * request time, newest first; a source's page by page in a stable order (the cursor is opaque); a
 * coupon code to the send that issued it (as a customer may type it) and the order that redeemed it,
 * set once; a conversion written once per send.
 */
export class FakeSendRecords implements SendRecordReader, ConversionWriter, CouponStore {
  readonly faults = new Faults<
    'ofCustomer' | 'ofSource' | 'couponOf' | 'markRedeemed' | 'recordConversion' | 'reviseConversion'
  >();
  /** Pages read through ofSource, to check a report reads them all. */
  pagesRead = 0;
  /** Redemption writes tried, to check that orders without a code of ours write none. */
  redemptionWrites = 0;
  private readonly records = new Map<string, SendRecord>();
  /** By shop and normalised code: the order that redeemed it, and when. */
  private readonly redeemed = new Map<string, { orderId: string; at: string }>();

  put(...records: SendRecord[]): this {
    for (const r of records) this.records.set(`${r.shopId}#${r.sendId}`, copy(r));
    return this;
  }

  async get(shopId: string, sendId: string): Promise<SendRecord | null> {
    const r = this.records.get(`${shopId}#${sendId}`);
    return r ? copy(r) : null;
  }

  async ofCustomer(shopId: string, customerId: string, from: string, to: string): Promise<SendRecord[]> {
    this.faults.check('ofCustomer');
    return this.all(shopId)
      .filter((r) => r.customerId === customerId && r.requestedAt >= from && r.requestedAt <= to)
      .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0))
      .map(copy);
  }

  async ofSource(
    shopId: string,
    source: SendSource,
    page: { limit: number; cursor?: string },
  ): Promise<{ records: SendRecord[]; cursor?: string }> {
    this.faults.check('ofSource');
    this.pagesRead += 1;
    const all = this.all(shopId)
      .filter((r) => sourceKey(r.source) === sourceKey(source))
      .sort((a, b) => (a.sendId < b.sendId ? -1 : 1));
    const after = page.cursor;
    const start = after === undefined ? 0 : all.findIndex((r) => r.sendId > after);
    const records = start < 0 ? [] : all.slice(start, start + page.limit);
    const last = records.at(-1);
    const more = start >= 0 && start + page.limit < all.length;
    return { records: records.map(copy), ...(more && last ? { cursor: last.sendId } : {}) };
  }

  async couponOf(shopId: string, code: string): Promise<CouponIssue | null> {
    this.faults.check('couponOf');
    const normal = normalizeCode(code);
    const r = this.issuer(shopId, normal);
    if (!r) return null;
    if (!r.couponRuleId || !r.couponValidUntil) return { sendId: r.sendId };
    return {
      sendId: r.sendId,
      coupon: {
        code: normal,
        ruleId: r.couponRuleId,
        customerId: r.customerId,
        idempotencyKey: r.sendId,
        validFrom: r.requestedAt,
        validUntil: r.couponValidUntil,
        redeemedBy: this.redeemed.get(`${shopId}#${normal}`)?.orderId ?? null,
      },
    };
  }

  async markRedeemed(shopId: string, code: string, orderId: string, at: string): Promise<boolean> {
    this.faults.check('markRedeemed');
    this.redemptionWrites += 1;
    const normal = normalizeCode(code);
    const held = this.redeemed.get(`${shopId}#${normal}`);
    if (!this.issuer(shopId, normal) || (held && held.orderId !== orderId)) return false;
    this.redeemed.set(`${shopId}#${normal}`, held ?? { orderId, at });
    return true;
  }

  private issuer(shopId: string, normal: string): SendRecord | undefined {
    return this.all(shopId).find((s) => s.couponCode !== undefined && normalizeCode(s.couponCode) === normal);
  }

  async recordConversion(shopId: string, sendId: string, conversion: Conversion): Promise<boolean> {
    this.faults.check('recordConversion');
    const r = this.records.get(`${shopId}#${sendId}`);
    if (!r) throw new Error(`ConditionalCheckFailedException: no send ${sendId}`);
    return convertRecord(r, conversion);
  }

  async reviseConversion(
    shopId: string,
    sendId: string,
    orderId: string,
    returned: number,
  ): Promise<boolean> {
    this.faults.check('reviseConversion');
    return reviseRecord(this.records.get(`${shopId}#${sendId}`), orderId, returned);
  }

  private all(shopId: string): SendRecord[] {
    return [...this.records.values()].filter((r) => r.shopId === shopId);
  }
}

/** recordConversion on a record, as the adapter's condition has it: once, unless its order no longer stands. */
export function convertRecord(r: SendRecord, conversion: Conversion): boolean {
  if (r.conversion && stands(r.conversion)) return false;
  r.conversion = copy(conversion);
  return true;
}

/** reviseConversion on a record: only the conversion of that order. */
export function reviseRecord(r: SendRecord | undefined, orderId: string, returned: number): boolean {
  if (!r?.conversion || r.conversion.orderId !== orderId) return false;
  r.conversion = { ...r.conversion, returned };
  return true;
}

const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/**
 * A send record as the sender leaves it: requested, sent a minute later, then the touches given
 * (status and when). `withheld` makes it a record that was never sent, with that reason.
 */
export function sendRecord(r: {
  sendId: string;
  customerId: string;
  requestedAt: string;
  source?: SendSource;
  step?: string;
  shopId?: string;
  touches?: Array<{ status: 'delivered' | 'opened' | 'clicked' | 'bounced'; at: string }>;
  withheld?: string;
  skipped?: string;
  couponCode?: string;
  couponRuleId?: string;
  couponValidUntil?: string;
  costMicros?: number;
  conversion?: Conversion;
}): SendRecord {
  const source = r.source ?? { kind: 'campaign', campaignId: 'c1' };
  const base = {
    sendId: r.sendId,
    shopId: r.shopId ?? 'tea',
    customerId: r.customerId,
    source,
    step: r.step ?? 'message',
    occurrence: 'once',
    channel: 'email' as const,
    purpose: 'marketing' as const,
    templateId: 'win-back',
    requestedAt: r.requestedAt,
    ...(r.conversion ? { conversion: r.conversion } : {}),
  };
  const notSent = r.withheld ?? r.skipped;
  if (notSent !== undefined) {
    const status = r.withheld !== undefined ? ('withheld' as const) : ('skipped' as const);
    return { ...base, status, reason: notSent, history: [{ status, at: r.requestedAt }] };
  }
  const sentAt = at(r.requestedAt, 1);
  const touches = r.touches ?? [];
  return {
    ...base,
    status: touches.at(-1)?.status ?? 'sent',
    history: [{ status: 'sending', at: r.requestedAt }, { status: 'sent', at: sentAt }, ...touches],
    sentAt,
    providerMessageId: `ses-${r.sendId}`,
    ...(r.couponCode ? { couponCode: r.couponCode } : {}),
    ...(r.couponRuleId ? { couponRuleId: r.couponRuleId } : {}),
    ...(r.couponValidUntil ? { couponValidUntil: r.couponValidUntil } : {}),
    ...(r.costMicros === undefined ? {} : { costMicros: r.costMicros }),
  };
}
