import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTables, localClient } from '../../../infra/local/dynamodb-local.js';
import { lambdaContext } from '../../../infra/local/gateway.js';
import { toLambdaRecord } from '../../../infra/local/stream-poller.js';
import { dataTable, functions, type StreamTrigger } from '../../../infra/wiring.js';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoEventStore } from '../../../shared/adapters/dynamodb/event-store.js';
import { DynamoProfileStore } from '../../../shared/adapters/dynamodb/profile-store.js';
import { DynamoShopStore } from '../../../shared/adapters/dynamodb/shop-store.js';
import type { StoredEvent } from '../../../shared/domain/customers/events.js';
import { normalizeBatch } from '../../../shared/domain/customers/normalize.js';
import { applyEvents, newProfile, summarize } from '../../../shared/domain/customers/profile.js';
import { defaultShopSettings } from '../../../shared/domain/shops/shop.js';
import type { ProfileStore } from '../../../shared/ports/customers/profile-store.js';
import { applyNewEvents } from '../../../shared/use-cases/customers/apply-events.js';
import { stack, useStackDynamoDb } from '../../support/api.js';
import { orderPaid, orderPlaced, orderRefunded, pageViewed } from '../../support/events.js';

/**
 * The stream handler on its own table (the local stack's poller does not watch it), fed real
 * stream records read back from DynamoDB Local, delivered twice and cut off mid-batch.
 */
const tableName = `stream-test-${randomUUID().slice(0, 8)}`;
const settings = defaultShopSettings('stream-shop', 'Stream Shop', '2026-01-01T00:00:00.000Z');
let handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
let profiles: DynamoProfileStore;
let events: DynamoEventStore;

async function streamRecords(): Promise<DynamoDBRecord[]> {
  const { endpoint } = { endpoint: stack().dynamodbEndpoint };
  const table = await localClient(endpoint).send(new DescribeTableCommand({ TableName: tableName }));
  const arn = table.Table?.LatestStreamArn as string;
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const shards =
    (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards ?? [];
  const out: DynamoDBRecord[] = [];
  for (const shard of shards) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let i = 0; iterator && i < 20; i++) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if ((page.Records ?? []).length === 0) break;
      out.push(...(page.Records ?? []).map((r) => toLambdaRecord(r, arn)));
      iterator = page.NextShardIterator;
    }
  }
  // What the event source mapping's filter lets through.
  const { filter } = (functions.find((f) => f.name === 'stream') as { trigger: StreamTrigger }).trigger;
  return out.filter(
    (r) =>
      r.eventName === filter.eventName &&
      (r.dynamodb?.Keys?.sk?.S ?? '').startsWith(filter.sortKeyPrefix) &&
      r.dynamodb?.NewImage?.[filter.unlessAttribute] === undefined,
  );
}

function ingest(raw: unknown[]): StoredEvent[] {
  return normalizeBatch(raw, settings, new Date('2026-11-01T00:00:00Z'), (i) => ['events', i]);
}

beforeAll(async () => {
  const endpoint = stack().dynamodbEndpoint;
  useStackDynamoDb({
    TABLE_NAME: tableName,
    // Journeys started by these events queue their sends on the local stack's send queue.
    SEND_QUEUE_URL: `${stack().controlUrl}/sqs/send`,
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
  await createTables(localClient(endpoint), [{ def: dataTable, name: tableName }]);
  const doc = createDocumentClient();
  await new DynamoShopStore(doc, tableName).putShop(settings);
  profiles = new DynamoProfileStore(doc, tableName, () => new Date());
  events = new DynamoEventStore(doc, tableName, () => undefined);
  const mod = await import('../../../functions/stream/handler.js');
  handler = (event) => mod.handler(event, lambdaContext('stream', 60)) as Promise<DynamoDBBatchResponse>;
});

describe('stream handler', () => {
  it('applies each event once, however often the stream delivers it', async () => {
    const who = { customerId: 'replayed' };
    const batch = ingest([
      orderPlaced(who, { orderId: 'R-1', total: 2100, at: '2026-10-01T00:00:00Z' }),
      orderPaid(who, 'R-1', '2026-10-01T00:01:00Z'),
      pageViewed(who, 'pu-erh-357', 'dark-tea', '2026-10-02T00:00:00Z'),
    ]);
    await events.append(batch);
    const records = (await streamRecords()).filter((r) => r.dynamodb?.NewImage?.customerId?.S === 'replayed');
    expect(records).toHaveLength(3);
    expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
    const once = (await profiles.getProfiles('stream-shop', ['replayed'])).get('replayed');
    // Delivered again, whole and in part: nothing changes.
    expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
    expect((await handler({ Records: records.slice(1) })).batchItemFailures).toEqual([]);
    const twice = (await profiles.getProfiles('stream-shop', ['replayed'])).get('replayed');
    expect(twice?.profile).toEqual(once?.profile);
    expect(twice?.version).toBe(once?.version);
    expect(
      summarize(twice?.profile.activity ?? newProfile('', '', '').activity, settings.timeZone),
    ).toMatchObject({
      paidOrderCount: 1,
      totalSpend: 210000,
    });
    expect(twice?.profile.tier).toBe('senior');
    // The tier change went out through the real store, once, however often its cause was delivered.
    const timeline = await events.timeline('stream-shop', { customerIds: ['replayed'], identities: [] }, 20);
    expect(timeline.filter((e) => e.type === 'tier_changed')).toEqual([
      expect.objectContaining({ properties: { from: null, to: 'senior' } }),
    ]);
  });

  it('loses and doubles nothing when it dies part-way through a batch and the batch is retried', async () => {
    const customers = ['k1', 'k2', 'k3', 'k4'];
    const raw = customers.flatMap((customerId, i) => [
      orderPlaced(
        { customerId },
        { orderId: `${customerId}-o1`, total: 100 + i, at: '2026-09-01T00:00:00Z' },
      ),
      orderPaid({ customerId }, `${customerId}-o1`, '2026-09-01T00:05:00Z'),
      orderPlaced({ customerId }, { orderId: `${customerId}-o2`, total: 50, at: '2026-10-01T00:00:00Z' }),
      orderPaid({ customerId }, `${customerId}-o2`, '2026-10-01T00:05:00Z'),
      orderRefunded({ customerId }, `${customerId}-o2`, 20, '2026-10-03T00:00:00Z'),
    ]);
    const batch = ingest(raw);
    await events.append(batch);
    // The first attempt commits two customers, then the container dies.
    let commits = 0;
    const dying: ProfileStore = {
      findOwners: (s, i) => profiles.findOwners(s, i),
      getProfiles: (s, ids) => profiles.getProfiles(s, ids),
      getArchivedOrders: (s, w) => profiles.getArchivedOrders(s, w),
      commit: async (c) => {
        if (++commits > 2) throw new Error('container killed');
        return profiles.commit(c);
      },
    };
    const failed = await applyNewEvents(
      { profiles: dying, clock: () => new Date(), shopSettings: async () => settings },
      batch,
    );
    // Two customers' five events each were committed before the crash; the rest were not.
    expect(failed.size).toBe(10);
    // Lambda retries the whole batch from the stream.
    const records = (await streamRecords()).filter((r) =>
      customers.includes(r.dynamodb?.NewImage?.customerId?.S ?? ''),
    );
    expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
    const stored = await profiles.getProfiles('stream-shop', customers);
    for (const customerId of customers) {
      const expected = applyEvents(
        newProfile('stream-shop', customerId, ''),
        batch.filter((e) => e.customerId === customerId),
        settings,
      );
      const activity = stored.get(customerId)?.profile.activity;
      expect(activity).toBeDefined();
      if (activity)
        expect(summarize(activity, settings.timeZone)).toEqual(
          summarize(expected.profile.activity, settings.timeZone),
        );
    }
  });

  it('reports the events of a customer it could not commit, and only those', async () => {
    const batch = ingest([
      orderPlaced({ customerId: 'fine' }, { orderId: 'F-1', total: 30, at: '2026-10-01T00:00:00Z' }),
      orderPlaced({ customerId: 'stuck' }, { orderId: 'S-1', total: 40, at: '2026-10-01T00:00:00Z' }),
      orderPaid({ customerId: 'stuck' }, 'S-1', '2026-10-01T00:01:00Z'),
    ]);
    const failing: ProfileStore = {
      findOwners: (s, i) => profiles.findOwners(s, i),
      getProfiles: (s, ids) => profiles.getProfiles(s, ids),
      getArchivedOrders: (s, w) => profiles.getArchivedOrders(s, w),
      commit: async (plan) => {
        if (plan.profile.customerId === 'stuck') throw new Error('throttled');
        return profiles.commit(plan);
      },
    };
    const failed = await applyNewEvents(
      { profiles: failing, clock: () => new Date(), shopSettings: async () => settings },
      batch,
    );
    expect([...failed].sort()).toEqual(
      batch
        .filter((e) => e.customerId === 'stuck')
        .map((e) => e.id)
        .sort(),
    );
    const stored = await profiles.getProfiles('stream-shop', ['fine', 'stuck']);
    expect(stored.has('fine')).toBe(true);
    expect(stored.has('stuck')).toBe(false);
  });

  it('reports a record it cannot read, and applies the others of the batch', async () => {
    const batch = ingest([
      orderPlaced({ customerId: 'ghost' }, { orderId: 'G-1', total: 9, at: '2026-10-01T00:00:00Z' }),
      orderPlaced({ customerId: 'solid' }, { orderId: 'H-1', total: 19, at: '2026-10-01T00:00:00Z' }),
    ]);
    await events.append(batch);
    const records = (await streamRecords()).filter((r) =>
      ['ghost', 'solid'].includes(r.dynamodb?.NewImage?.customerId?.S ?? ''),
    );
    const ghost = records.find((r) => r.dynamodb?.NewImage?.customerId?.S === 'ghost') as DynamoDBRecord;
    const broken = structuredClone(ghost);
    if (broken.dynamodb?.NewImage) broken.dynamodb.NewImage.type = { S: 'order_teleported' };
    const others = records.filter((r) => r !== ghost);
    const response = await handler({ Records: [broken, ...others] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: ghost.dynamodb?.SequenceNumber }]);
    const stored = await profiles.getProfiles('stream-shop', ['ghost', 'solid']);
    expect(stored.has('ghost')).toBe(false);
    expect(stored.has('solid')).toBe(true);
  });
});
