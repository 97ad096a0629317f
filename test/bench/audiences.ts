/**
 * Audience reads against a full read, on a synthetic shop in the bench's local stack: customer items
 * written directly (as the intake would leave them: traits, a few paid orders, the byValue keys),
 * then `GET /v1/audiences/offer-fit` with a free-shipping threshold chosen so about 1% fit, against
 * (a) reading every customer the cheapest way the table allows (the byValue shards whole, then every
 * item) and (b) a Scan of the whole table, which here holds this shop's customers alone. Units both as
 * DynamoDB Local reports them and as AWS bills them (support/billing-meter.ts).
 */

import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../shared/adapters/dynamodb/batch.js';
import { customerShards, valueShardPk } from '../../shared/adapters/dynamodb/keys.js';
import { type BenchStack, getJson, round } from './support/stack.js';
import { aovOf, type Synthetic, type writeSyntheticShop } from './support/synthetic-shop.js';

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
  const keyList: Array<{ pk: string; sk: string }> = [];
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
        keyList.push(...(out.Items ?? []).map((i) => ({ pk: i.pk as string, sk: i.sk as string })));
        start = out.LastEvaluatedKey;
      } while (start);
    }),
  );
  // As the audience reads its customers: eventually consistent, capacity counted.
  await batchGet(doc, table, keyList, {
    consistent: false,
    onCapacity: (u) => {
      units += u;
    },
  });
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

/** On a stack holding a synthetic shop (support/synthetic-shop.ts). */
export async function benchAudiences(
  stack: BenchStack,
  written: Awaited<ReturnType<typeof writeSyntheticShop>>,
): Promise<AudiencesResult> {
  {
    const { settings, key, shop, averageItemBytes, secondsToWrite } = written;
    const customers = shop.length;
    const { threshold, audience } = thresholdForOnePercent(shop);
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
  }
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)}%`;

/** The section for results.md and results.json. */
export async function audiencesSection(
  stack: BenchStack,
  written: Awaited<ReturnType<typeof writeSyntheticShop>>,
): Promise<{ result: unknown; markdown: string }> {
  const r = await benchAudiences(stack, written);
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
