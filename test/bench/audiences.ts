/**
 * Audience reads against a full read, on a synthetic shop in the bench's local stack: customer items
 * written directly (as the intake would leave them: traits, a few paid orders, the byValue keys),
 * then `GET /v1/audiences/offer-fit` with a free-shipping threshold chosen so about 1% fit, against
 * (a) reading every customer the cheapest way the table allows (the byValue shards whole, then every
 * item) and (b) a Scan of the whole table, which here holds this shop's customers alone. Units both as
 * DynamoDB Local reports them and as AWS bills them (support/billing-meter.ts).
 */

import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { seededRandom } from '../../infra/local/seeded-random.js';
import { customerShards, valueShardPk } from '../../shared/adapters/dynamodb/keys.js';
import { profileItem } from '../../shared/adapters/dynamodb/profile-store.js';
import { chunk } from '../../shared/domain/collections.js';
import { emptyActivity, newProfile, type OrderFacts } from '../../shared/domain/customers/profile.js';
import { itemSize } from './support/billing-meter.js';
import {
  type BenchStack,
  getJson,
  log,
  rawBatchWrite,
  round,
  seconds,
  startBenchStack,
} from './support/stack.js';

export interface AudiencesResult {
  customers: number;
  threshold: number;
  audience: number;
  secondsToWrite: number;
  averageItemBytes: number;
  /** Read units as DynamoDB Local reports them, and as billed. */
  audienceUnits: { reported: number; billed: number };
  everyCustomerUnits: { reported: number; billed: number };
  tableScanUnits: { reported: number; billed: number };
}

type Synthetic = { id: string; totals: number[]; consent: boolean };

/** Baskets log-normal around 120 (minor units ×100), 1–4 orders, 70% consent to marketing email. */
function syntheticShop(count: number): Synthetic[] {
  const rnd = seededRandom(9);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: count }, (_, i) => {
    const basket = 120 * Math.exp(0.6 * normal());
    const orders = 1 + Math.floor(rnd() * 4);
    const totals = Array.from({ length: orders }, () =>
      Math.max(100, Math.round(basket * (0.8 + 0.4 * rnd()) * 100)),
    );
    return { id: `c${String(i).padStart(6, '0')}`, totals, consent: rnd() < 0.7 };
  });
}

const aovOf = (s: Synthetic) => Math.round(s.totals.reduce((a, b) => a + b, 0) / s.totals.length);

/** The whole-unit threshold whose [0.6T, T) holds the number of emailable customers nearest 1%. */
function thresholdForOnePercent(shop: Synthetic[]): { threshold: number; audience: number } {
  const values = shop.filter((s) => s.consent).map(aovOf);
  let best = { threshold: 0, audience: 0 };
  for (let t = 10; t <= 5000; t++) {
    const audience = values.filter((v) => v >= t * 60 && v < t * 100).length;
    if (Math.abs(audience - shop.length / 100) < Math.abs(best.audience - shop.length / 100))
      best = { threshold: t, audience };
  }
  return best;
}

function itemOf(shopId: string, s: Synthetic, now: string): Record<string, unknown> {
  const profile = newProfile(shopId, s.id, now);
  profile.traits = { email: `${s.id}@example.com`, consent: { email: { marketing: s.consent } } };
  const activity = emptyActivity();
  s.totals.forEach((total, i) => {
    const placedAt = new Date(Date.parse('2026-01-01T00:00:00Z') + i * 30 * 86_400_000).toISOString();
    const order: OrderFacts = {
      placedAt,
      paidAt: placedAt,
      total,
      currency: 'CNY',
      refunds: {},
      discounted: false,
      categories: ['tea'],
    };
    activity.orders[`${s.id}-${i}`] = order;
  });
  activity.firstSeenAt = now;
  activity.lastSeenAt = now;
  profile.activity = activity;
  return profileItem(
    { profile, version: 1, identities: [`email:${s.id}@example.com`], applied: {}, outbox: [] },
    aovOf(s),
    now,
  );
}

/** Reported units and billed units of what `read` does. */
async function measured(
  stack: BenchStack,
  read: () => Promise<number>,
): Promise<{ reported: number; billed: number }> {
  stack.meter.reset();
  stack.meter.enabled = true;
  try {
    const reported = await read();
    return { reported: round(reported), billed: round(stack.meter.bill.readUnits) };
  } finally {
    stack.meter.enabled = false;
  }
}

async function readEveryCustomer(
  doc: DynamoDBDocumentClient,
  table: string,
  shopId: string,
): Promise<number> {
  let units = 0;
  const keyList: Array<Record<string, unknown>> = [];
  await Promise.all(
    Array.from({ length: customerShards }, async (_, shard) => {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'byValue',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': valueShardPk(shopId, shard) },
            ExclusiveStartKey: start,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        units += out.ConsumedCapacity?.CapacityUnits ?? 0;
        keyList.push(...(out.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk })));
        start = out.LastEvaluatedKey;
      } while (start);
    }),
  );
  const parts = chunk(keyList, 100);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let part = parts.shift(); part; part = parts.shift()) {
        let request: BatchGetCommandOutput['UnprocessedKeys'] = { [table]: { Keys: part } };
        while (request && Object.keys(request).length > 0) {
          const out: BatchGetCommandOutput = await doc.send(
            new BatchGetCommand({ RequestItems: request, ReturnConsumedCapacity: 'TOTAL' }),
          );
          units += (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
          request = out.UnprocessedKeys;
        }
      }
    }),
  );
  return units;
}

async function scanTable(doc: DynamoDBDocumentClient, table: string): Promise<number> {
  let units = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ReturnConsumedCapacity: 'TOTAL' }),
    );
    units += out.ConsumedCapacity?.CapacityUnits ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return units;
}

export async function benchAudiences(customers: number): Promise<AudiencesResult> {
  const stack = await startBenchStack({ keep: false });
  try {
    const { settings, key } = await stack.newShop('audiences');
    const shop = syntheticShop(customers);
    const { threshold, audience } = thresholdForOnePercent(shop);
    const now = new Date().toISOString();
    const items = shop.map((s) => itemOf(settings.shopId, s, now));
    const averageItemBytes = Math.round(
      items
        .slice(0, 1000)
        .reduce((sum, i) => sum + itemSize(marshall(i, { removeUndefinedValues: true })), 0) /
        Math.min(1000, items.length),
    );
    const started = Date.now();
    for (const [i, part] of chunk(items, 10_000).entries()) {
      await rawBatchWrite(stack.doc, stack.runtime.tableName, part);
      log(
        `audiences: ${(i + 1) * 10_000 > customers ? customers : (i + 1) * 10_000} customers written (${round(seconds(started))} s)`,
      );
    }
    const secondsToWrite = seconds(started);
    let returned = 0;
    const audienceUnits = await measured(stack, async () => {
      let units = 0;
      let cursor: string | undefined;
      do {
        const page = await getJson<{ count: number; cursor?: string; readUnits: number }>(
          stack.runtime.apiUrl,
          key,
          `/v1/audiences/offer-fit?freeShippingThreshold=${threshold}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        units += page.readUnits;
        returned += page.count;
        cursor = page.cursor;
      } while (cursor);
      return units;
    });
    if (returned !== audience)
      throw new Error(`offer fit returned ${returned} customers, expected ${audience}`);
    const everyCustomerUnits = await measured(stack, () =>
      readEveryCustomer(stack.doc, stack.runtime.tableName, settings.shopId),
    );
    const tableScanUnits = await measured(stack, () => scanTable(stack.doc, stack.runtime.tableName));
    return {
      customers,
      threshold,
      audience,
      secondsToWrite: round(secondsToWrite),
      averageItemBytes,
      audienceUnits,
      everyCustomerUnits,
      tableScanUnits,
    };
  } finally {
    await stack.stop();
  }
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)}%`;

/** The section for results.md and results.json. */
export async function audiencesSection(customers: number): Promise<{ result: unknown; markdown: string }> {
  const r = await benchAudiences(customers);
  const row = (name: string, u: { reported: number; billed: number }) =>
    `| ${name} | ${u.reported.toLocaleString('en')} | ${u.billed.toLocaleString('en')} | ${percent(r.audienceUnits.reported, u.reported)} | ${percent(r.audienceUnits.billed, u.billed)} |`;
  const markdown = [
    '## Audience reads',
    '',
    `${r.customers.toLocaleString('en')} synthetic customers (baskets log-normal around 120, 1–4 paid orders, 70% consent to marketing email; items of about ${r.averageItemBytes.toLocaleString('en')} bytes written directly in ${r.secondsToWrite} s). \`GET /v1/audiences/offer-fit?freeShippingThreshold=${r.threshold}\` returned ${r.audience.toLocaleString('en')} customers (${percent(r.audience, r.customers)}), all pages. Read units as DynamoDB Local reports them and as AWS bills them (billing meter); the audience reads eventually consistent, and so do both full reads; its billed units include the API key lookups of its pages.`,
    '',
    '| read | units reported | units billed | audience / this, reported | audience / this, billed |',
    '|---|---|---|---|---|',
    `| **offer-fit audience** | **${r.audienceUnits.reported.toLocaleString('en')}** | **${r.audienceUnits.billed.toLocaleString('en')}** | | |`,
    row(
      'every customer: byValue shards whole, then every item (goal: audience under 3%)',
      r.everyCustomerUnits,
    ),
    row('Scan of the whole table (this shop’s customers alone)', r.tableScanUnits),
    '',
  ].join('\n');
  return { result: { ...r, measuredAt: new Date().toISOString() }, markdown };
}
