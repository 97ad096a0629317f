import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamTrigger } from '../wiring.js';

export interface PollerOptions {
  tableName: string;
  trigger: StreamTrigger;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  /** Persisted shard positions; omit to start each run from the stream's start (in-memory tables). */
  checkpointFile?: string;
  /** Batches that exhausted their retries go here, as the on-failure queue would hold them on AWS. */
  failureFile: string;
  log: (line: string) => void;
}

/** Lambda's record shape: epoch seconds for the creation time, and the source ARN. */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime
        ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
}

/** The event source mapping's filter, as declared in the wiring for CDK. */
function matches(record: StreamRecord, trigger: StreamTrigger): boolean {
  const f = trigger.filter;
  return (
    record.eventName === f.eventName &&
    (record.dynamodb?.Keys?.sk?.S ?? '').startsWith(f.sortKeyPrefix) &&
    record.dynamodb?.NewImage?.[f.unlessAttribute] === undefined
  );
}

/** Records read from a shard and passed by the filter, waiting for their batch to fill or its window to pass. */
interface Pending {
  records: Array<{ record: StreamRecord; arrivedAt: number }>;
  /** The last record read from the shard, filtered out or not: the checkpoint once nothing is pending. */
  lastRead?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads a local table's stream and hands Lambda-shaped batches to the stream handler, with the
 * event source mapping's semantics: the filter; a batch goes when batchSize records are waiting or
 * maxBatchingWindowSeconds have passed since its first record arrived, whichever comes first;
 * partial batch failures retried from the first failed record, bounded retries, then the batch
 * parked in a failure file.
 *
 * `drain()` does not wait out windows: while a drain is on, a partial batch goes as soon as the
 * shard has nothing more to read. Settling (tests, the local clock) is then quick, at the price of
 * smaller batches than Lambda would make during a drain.
 */
export class StreamPoller {
  private running = false;
  private streamArn = '';
  private readonly positions: Record<string, string>;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly idle = new Set<string>();
  private busy = 0;
  private draining = 0;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly options: PollerOptions) {
    const file = options.checkpointFile;
    this.positions = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  }

  async start(): Promise<void> {
    const table = await this.options.dynamodb.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    this.streamArn = table.Table?.LatestStreamArn ?? '';
    if (!this.streamArn) throw new Error(`table ${this.options.tableName} has no stream`);
    this.running = true;
    await this.discoverShards();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops.values());
  }

  /** A shard's pause between empty reads, which a drain cuts short. */
  private rest(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Resolves once every shard has been read to its end and every batch handed over, windows or not. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.draining += 1;
    try {
      await this.discoverShards();
      this.idle.clear();
      // Shards resting between empty reads look again now: a drain waits one read, not a back-off.
      for (const wake of [...this.wakers]) wake();
      while (Date.now() < deadline) {
        const open = [...this.loops.keys()];
        if (this.busy === 0 && open.every((s) => this.idle.has(s))) return;
        await sleep(20);
      }
      throw new Error('stream poller did not drain in time');
    } finally {
      this.draining -= 1;
    }
  }

  private async discoverShards(): Promise<void> {
    const out = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId as string;
      if (this.loops.has(id) || this.positions[`${id}#closed`]) continue;
      this.loops.set(id, this.poll(id));
    }
  }

  private async iterator(shardId: string): Promise<string | undefined> {
    const after = this.positions[shardId];
    const out = await this.options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        SequenceNumber: after,
      }),
    );
    return out.ShardIterator;
  }

  /** Milliseconds until the pending batch is due: 0 when full, past its window, or drained; null when empty. */
  private dueIn(pending: Pending, shardEnd: boolean): number | null {
    const first = pending.records[0];
    if (!first) return null;
    if (pending.records.length >= this.options.trigger.batchSize || shardEnd) return 0;
    return Math.max(0, first.arrivedAt + this.options.trigger.maxBatchingWindowSeconds * 1000 - Date.now());
  }

  private async poll(shardId: string): Promise<void> {
    let iterator: string | undefined;
    let backoff = 50;
    const pending: Pending = { records: [] };
    while (this.running) {
      try {
        iterator ??= await this.iterator(shardId);
        if (!iterator) break;
        const out = await this.options.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
        );
        const records = out.Records ?? [];
        iterator = out.NextShardIterator;
        if (records.length > 0) {
          this.idle.delete(shardId);
          const arrivedAt = Date.now();
          for (const record of records.filter((r) => matches(r, this.options.trigger)))
            pending.records.push({ record, arrivedAt });
          pending.lastRead = records.at(-1)?.dynamodb?.SequenceNumber;
          backoff = 50;
        }
        // A drain, or a closed shard, hands over what is waiting once the shard is read to its end.
        await this.flush(shardId, pending, !iterator || (records.length === 0 && this.draining > 0));
        if (!iterator) break;
        if (records.length === 0) {
          if (pending.records.length === 0) this.idle.add(shardId);
          await this.rest(Math.min(backoff, this.dueIn(pending, false) ?? backoff));
          backoff = Math.min(500, backoff * 2);
        }
      } catch (error) {
        // Expired or trimmed iterators happen (as on AWS): take a fresh one from the checkpoint, and
        // read what was pending again from there.
        if (!this.running) return;
        this.options.log(
          `stream shard ${shardId}: ${(error as Error).name}; resuming from the last checkpoint`,
        );
        iterator = undefined;
        pending.records.length = 0;
        pending.lastRead = undefined;
        await sleep(500);
      }
    }
    if (this.running && !iterator) {
      // A closed shard: its children carry on; find them.
      this.positions[`${shardId}#closed`] = 'true';
      this.idle.add(shardId);
      await this.discoverShards().catch((error) => this.options.log(`stream: ${(error as Error).message}`));
    }
  }

  /** Hands over every batch that is due, checkpointing behind it; what is not due yet keeps waiting. */
  private async flush(shardId: string, pending: Pending, shardEnd: boolean): Promise<void> {
    while (this.dueIn(pending, shardEnd) === 0) {
      const batch = pending.records.splice(0, this.options.trigger.batchSize).map((p) => p.record);
      this.busy += 1;
      try {
        await this.deliver(batch);
      } finally {
        this.busy -= 1;
      }
      // Restarting after the last delivered record re-reads (and re-filters) the rest: nothing is lost.
      const next = pending.records.length > 0 ? batch.at(-1) : undefined;
      this.checkpoint(shardId, next?.dynamodb?.SequenceNumber ?? (pending.lastRead as string));
    }
    if (pending.records.length === 0 && pending.lastRead && pending.lastRead !== this.positions[shardId])
      this.checkpoint(shardId, pending.lastRead);
  }

  /** One batch, retried from the first failed record, then parked after retryAttempts. */
  private async deliver(records: StreamRecord[]): Promise<void> {
    const { trigger } = this.options;
    let batch = records.map((r) => toLambdaRecord(r, this.streamArn));
    for (let attempt = 0; batch.length > 0; attempt++) {
      let failedFrom = -1;
      try {
        const response = await this.options.handler({ Records: batch });
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedFrom = batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      } catch (error) {
        this.options.log(`stream handler threw: ${(error as Error).message}`);
        failedFrom = 0;
      }
      if (failedFrom < 0) break;
      batch = batch.slice(failedFrom);
      if (attempt >= trigger.retryAttempts) {
        appendFileSync(
          this.options.failureFile,
          `${JSON.stringify({ at: new Date().toISOString(), records: batch })}\n`,
        );
        this.options.log(
          `stream batch of ${batch.length} parked in ${this.options.failureFile} after ${attempt + 1} attempts`,
        );
        break;
      }
      await sleep(Math.min(2000, 50 * 2 ** attempt));
    }
  }

  private checkpoint(shardId: string, sequence: string): void {
    this.positions[shardId] = sequence;
    if (this.options.checkpointFile)
      writeFileSync(this.options.checkpointFile, JSON.stringify(this.positions));
  }
}
