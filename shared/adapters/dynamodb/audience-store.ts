import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors.js';
import type { ValueRange } from '../../domain/segments/offer-fit.js';
import type { AudienceCandidate, AudienceStore, CandidatePage } from '../../ports/segments/audience-store.js';
import { batchGet, capacityUnits } from './batch.js';
import { customerPk, customerShards, valueBand, valueBandKey, valueShardPk } from './keys.js';
import { profileFromItem } from './profile-store.js';

/** Value bands [from, to], inclusive, each read with one key condition per shard. */
type Span = [number, number];

/** Where a shard's read stands: the span it is in and the last key read there; null once read through. */
type ShardState = { span: number; after?: Record<string, string> } | null;

interface Cursor {
  /** Which spans the cursor belongs to: a cursor of another query is refused, not misread. */
  q: string;
  s: ShardState[];
}

/** The bands overlapping the ranges (ascending), merged where they meet. Band 0 (no paid order) is never read. */
export function bandSpans(ranges: ValueRange[]): Span[] {
  const spans: Span[] = [];
  for (const range of ranges) {
    const lo = Math.max(range.lo, 1);
    if (range.hi <= lo) continue;
    const from = valueBand(lo);
    const to = valueBand(range.hi - 1);
    const last = spans.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else spans.push([from, to]);
  }
  return spans;
}

// Every key of band b sorts between `b#` and `b$` ('#' < '$', and customer ids hold neither).
const spanBounds = ([from, to]: Span) => ({ from: `${valueBandKey(from)}#`, to: `${valueBandKey(to)}$` });

const fingerprint = (spans: Span[]) =>
  createHash('sha1').update(JSON.stringify(spans)).digest('base64url').slice(0, 10);

/** Only what the use case needs; the read is billed on the whole item all the same. */
const candidateProjection = {
  expression: 'customerId, traits, #state, mergedInto',
  names: { '#state': 'state' },
};

/**
 * Audiences from the byValue index (keys only, 16 shards by customer, sorted by value band): each
 * shard's keys in the bands the ranges overlap, read in parallel, then those customers' items. So an
 * audience reads its own customers plus, at each end, at most one band (20%) of customers more.
 */
export class DynamoAudienceStore implements AudienceStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async candidatesByValue(
    shopId: string,
    ranges: ValueRange[],
    page: { limit: number; cursor?: string },
  ): Promise<CandidatePage> {
    const spans = bandSpans(ranges);
    const q = fingerprint(spans);
    const shards = page.cursor
      ? decodeCursor(page.cursor, q, shopId, spans)
      : Array.from({ length: customerShards }, (): ShardState => (spans.length > 0 ? { span: 0 } : null));
    const found: Array<{ pk: string; sk: string }> = [];
    let readUnits = 0;
    // Shards are read side by side, each up to its share of what the page may still take, so a page
    // never reads more keys than `limit`; a shard left short (its span ended) lets the others go on.
    for (let budget = page.limit; budget > 0; ) {
      const open = shards.flatMap((s, shard) => (s ? [shard] : [])).slice(0, budget);
      if (open.length === 0) break;
      const share = Math.floor(budget / open.length);
      const reads = await Promise.all(
        open.map((shard) => this.readShard(shopId, shard, spans, shards[shard] as { span: number }, share)),
      );
      reads.forEach((read, i) => {
        shards[open[i] as number] = read.next;
        found.push(...read.keys);
        readUnits += read.units;
        budget -= read.keys.length;
      });
    }
    const read = await this.readCandidates(found);
    const more = shards.some((s) => s !== null);
    return {
      candidates: read.candidates,
      readUnits: readUnits + read.units,
      ...(more && { cursor: Buffer.from(JSON.stringify({ q, s: shards })).toString('base64url') }),
    };
  }

  private async readShard(
    shopId: string,
    shard: number,
    spans: Span[],
    state: { span: number; after?: Record<string, string> },
    limit: number,
  ): Promise<{ keys: Array<{ pk: string; sk: string }>; next: ShardState; units: number }> {
    const span = spans[state.span] as Span;
    const { from, to } = spanBounds(span);
    const gsi2pk = valueShardPk(shopId, shard);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byValue',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': gsi2pk, ':from': from, ':to': to },
        ExclusiveStartKey: state.after && { ...state.after, gsi2pk },
        Limit: limit,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const keys = (out.Items ?? []).map((i) => ({ pk: i.pk as string, sk: i.sk as string }));
    const last = out.LastEvaluatedKey;
    const next: ShardState = last
      ? { span: state.span, after: { pk: last.pk, sk: last.sk, gsi2sk: last.gsi2sk } }
      : state.span + 1 < spans.length
        ? { span: state.span + 1 }
        : null;
    return { keys, next, units: capacityUnits(out.ConsumedCapacity) };
  }

  /**
   * Eventually consistent, with its capacity counted: an audience for a campaign does not need the
   * very latest write, and half the read units matter at audience scale.
   */
  private async readCandidates(
    keyList: Array<{ pk: string; sk: string }>,
  ): Promise<{ candidates: AudienceCandidate[]; units: number }> {
    let total = 0;
    const items = await batchGet(this.doc, this.tableName, keyList, {
      projection: candidateProjection,
      consistent: false,
      onCapacity: (u) => {
        total += u;
      },
    });
    const candidates = items.flatMap((item) => {
      // Merged-away customers leave the index; a read racing the merge may still see one.
      if (item.mergedInto) return [];
      const { profile } = profileFromItem(item);
      return [{ customerId: profile.customerId, traits: profile.traits, activity: profile.activity }];
    });
    return { candidates, units: total };
  }
}

function decodeCursor(cursor: string, q: string, shopId: string, spans: Span[]): ShardState[] {
  const refuse = () => new ValidationError([{ path: 'cursor', message: 'not a cursor this query returned' }]);
  let parsed: Cursor;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Cursor;
  } catch {
    throw refuse();
  }
  if (parsed?.q !== q || !Array.isArray(parsed.s) || parsed.s.length !== customerShards) throw refuse();
  // A start key is checked to lie in this shop's customers and its span, so DynamoDB never sees a stray one.
  const shopCustomers = customerPk(shopId, '');
  for (const state of parsed.s) {
    if (state === null) continue;
    const span = Number.isInteger(state?.span) ? spans[state.span] : undefined;
    if (!span) throw refuse();
    if (state.after === undefined) continue;
    const { pk, sk, gsi2sk } = state.after;
    const { from, to } = spanBounds(span);
    const inSpan = typeof gsi2sk === 'string' && gsi2sk >= from && gsi2sk <= to;
    if (!inSpan || typeof pk !== 'string' || !pk.startsWith(shopCustomers) || typeof sk !== 'string')
      throw refuse();
    state.after = { pk, sk, gsi2sk };
  }
  return parsed.s;
}
