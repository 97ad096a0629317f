import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  RefreshPhase,
  RefreshRun,
  RefreshRunStore,
  RefreshTask,
} from '../../ports/segments/refresh-runs.js';
import { batchPut, conditionally, queryAll } from './batch.js';
import { keyPrefixes, keys } from './keys.js';

/** Under DynamoDB's 400 KB item limit with room for the keys. */
const chunkBytes = 350_000;
/** A run and what its shards handed over are kept a week for diagnosis, then expire. */
const keptSeconds = 7 * 86_400;

const partName = (phase: RefreshPhase, shard: number, attempt: string) =>
  `${phase}#${String(shard).padStart(4, '0')}#${attempt}`;

/**
 * The run is one item with a countdown per phase and, per shard counted, the attempt that counted
 * it. Each attempt's result is deflated and split over as many items as it needs (a shard of a
 * 10-million-customer shop hands over a few MB of distributions) under its own attempt id, before
 * the count: a crash in between is redone by the redelivered task, and a later attempt (which
 * finds its work done and writes nothing) never overwrites the result that was counted.
 */
export class DynamoRefreshRunStore implements RefreshRunStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  start(run: RefreshRun): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.refreshRun(run.shopId, run.runId),
            run: JSON.stringify(run),
            phase: run.phase,
            pending_sketch: run.shards,
            counted_sketch: {},
            counted_apply: {},
            expiresAt: Math.floor(Date.parse(run.startedAt) / 1000) + keptSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async get(shopId: string, runId: string): Promise<RefreshRun | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.refreshRun(shopId, runId),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return null;
    return {
      ...(JSON.parse(out.Item.run as string) as RefreshRun),
      phase: out.Item.phase as RefreshRun['phase'],
    };
  }

  async completeShard(task: RefreshTask, result: string): Promise<number | null> {
    const run = keys.refreshRun(task.shopId, task.runId);
    const attempt = randomUUID();
    const bytes = deflateRawSync(Buffer.from(result));
    const chunks = Math.max(1, Math.ceil(bytes.length / chunkBytes));
    const expiresAt = Math.floor(Date.now() / 1000) + keptSeconds;
    await batchPut(
      this.doc,
      this.tableName,
      Array.from({ length: chunks }, (_, i) => ({
        ...keys.refreshPart(task.shopId, task.runId, partName(task.phase, task.shard, attempt), i),
        data: bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes),
        chunks,
        expiresAt,
      })),
    );
    let pending: number | null = null;
    await conditionally(async () => {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: run,
          UpdateExpression: 'SET #counted.#shard = :attempt ADD #pending :minusOne',
          ConditionExpression:
            'attribute_exists(pk) AND phase = :phase AND attribute_not_exists(#counted.#shard)',
          ExpressionAttributeNames: {
            '#pending': `pending_${task.phase}`,
            '#counted': `counted_${task.phase}`,
            '#shard': String(task.shard),
          },
          ExpressionAttributeValues: { ':minusOne': -1, ':attempt': attempt, ':phase': task.phase },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      pending = Number(out.Attributes?.[`pending_${task.phase}`]);
    });
    if (pending !== null) return pending;
    // Counted before, or the run moved on: the countdown as it stands, if still in this phase.
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: run, ConsistentRead: true }),
    );
    return out.Item?.phase === task.phase ? Number(out.Item[`pending_${task.phase}`]) : null;
  }

  async results(shopId: string, runId: string, phase: RefreshPhase): Promise<string[]> {
    const run = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.refreshRun(shopId, runId),
        ConsistentRead: true,
      }),
    );
    const counted = (run.Item?.[`counted_${phase}`] ?? {}) as Record<string, string>;
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :part)',
      ExpressionAttributeValues: {
        ':pk': keys.refreshRun(shopId, runId).pk,
        ':part': `${keyPrefixes.refreshPart}${phase}#`,
      },
    });
    // Sort keys order chunks within an attempt and shards within the phase; only counted attempts count.
    const byShard = new Map<string, Buffer[]>();
    for (const item of items) {
      const [, , shard, attempt] = (item.sk as string).split('#') as [string, string, string, string];
      if (counted[String(Number(shard))] !== attempt) continue;
      byShard.set(shard, [...(byShard.get(shard) ?? []), Buffer.from(item.data as Uint8Array)]);
    }
    return [...byShard.values()].map((parts) => inflateRawSync(Buffer.concat(parts)).toString());
  }

  advance(
    shopId: string,
    runId: string,
    from: RefreshPhase,
    to: RefreshPhase | 'done',
    fields: Partial<RefreshRun>,
  ): Promise<boolean> {
    return conditionally(async () => {
      const current = await this.get(shopId, runId);
      if (!current) throw new Error(`refresh run ${shopId}/${runId} is gone`);
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.refreshRun(shopId, runId),
          UpdateExpression: `SET phase = :to, run = :run${to === 'done' ? '' : ', #pending = :shards'}`,
          ConditionExpression: 'phase = :from',
          ...(to !== 'done' && { ExpressionAttributeNames: { '#pending': `pending_${to}` } }),
          ExpressionAttributeValues: {
            ':from': from,
            ':to': to,
            ':run': JSON.stringify({ ...current, ...fields, phase: to }),
            ...(to !== 'done' && { ':shards': current.shards }),
          },
        }),
      );
    });
  }
}
