import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { chunk } from '../../domain/collections.js';
import {
  type CursorMove,
  type DueIndex,
  type DuePointer,
  type DueRef,
  placedAt,
  type ShardCursor,
} from '../../ports/journeys/due-index.js';
import { conditionally, isConditionFailure } from './batch.js';
import { dueMinuteOf, dueShards, keys, minuteAfter, shardOf } from './keys.js';

/** Pointers outlive their minute by this long, for a tick that resumes late; TTL removes them after. */
const pointerTtlSeconds = 14 * 86_400;

function refKey(ref: DueRef): string {
  return ref.kind === 'wake' ? `W#${ref.instanceId}` : ref.kind === 'date' ? `D#${ref.journeyId}` : 'X';
}

function daysBetween(after: string, through: string): string[] {
  const days: string[] = [];
  for (let d = Date.parse(`${after.slice(0, 10)}T00:00Z`); d <= Date.parse(`${through}:00Z`); d += 86_400_000)
    days.push(new Date(d).toISOString().slice(0, 10));
  return days;
}

/**
 * The due index in the data table (keys.ts): a small pointer item per due thing in its shard's day
 * partition, sorted by minute; a cursor item per shard. A tick reads the cursors with one BatchGet.
 */
export class DynamoDueIndex implements DueIndex {
  readonly shards = dueShards;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Told the read units each request consumed (the bench counts idle minutes with it). */
    private readonly onRead?: (units: number) => void,
  ) {}

  shardOf(shopId: string, customerId: string): number {
    return shardOf(`${shopId}#${customerId}`, this.shards);
  }

  private pointerKey(p: DuePointer) {
    // The instant is in the sort key: one wake per instance and instant, a re-write is the same item;
    // a retry sits at its own instant, beside the pointer it retries.
    return keys.duePointer(
      this.shardOf(p.shopId, p.customerId),
      placedAt(p),
      p.shopId,
      p.customerId,
      `${refKey(p.ref)}#${p.at}${p.retry ? `#retry${p.retry.attempt}` : ''}`,
    );
  }

  async add(pointers: DuePointer[]): Promise<void> {
    const expiresAt = (p: DuePointer) => Math.floor(Date.parse(placedAt(p)) / 1000) + pointerTtlSeconds;
    for (const part of chunk(pointers, 25))
      await this.write(
        part.map((p) => ({ PutRequest: { Item: { ...this.pointerKey(p), p, expiresAt: expiresAt(p) } } })),
      );
    // Each shard's mark goes down to its earliest new pointer (one conditional write per shard).
    const earliest = new Map<number, string>();
    for (const p of pointers) {
      const shard = this.shardOf(p.shopId, p.customerId);
      const minute = dueMinuteOf(placedAt(p));
      if (!earliest.has(shard) || (earliest.get(shard) as string) > minute) earliest.set(shard, minute);
    }
    await Promise.all([...earliest].map(([shard, minute]) => this.lower(shard, minute)));
  }

  async lower(shard: number, minute: string): Promise<void> {
    // Counted first, whatever the mark: a run that saw the count before it will not skip ahead.
    // The count reads the mark back; it is lowered only when later (a second, conditional write).
    const counted = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.dueCursor(shard),
        UpdateExpression: 'ADD writes :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const nextAt = counted.Attributes?.nextAt as string | undefined;
    if (nextAt !== undefined && nextAt <= minute) return;
    await conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.dueCursor(shard),
          UpdateExpression: 'SET nextAt = :m',
          ConditionExpression: 'attribute_not_exists(nextAt) OR nextAt > :m',
          ExpressionAttributeValues: { ':m': minute },
        }),
      ),
    );
  }

  async remove(pointers: DuePointer[]): Promise<void> {
    for (const part of chunk(pointers, 25))
      await this.write(part.map((p) => ({ DeleteRequest: { Key: this.pointerKey(p) } })));
  }

  private async write(requests: Array<Record<string, unknown>>): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`due index: ${pending.length} writes left unprocessed`);
      const out = await this.doc.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
      );
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Array<Record<string, unknown>>;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    }
  }

  async cursors(): Promise<ShardCursor[]> {
    const out = await this.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: Array.from({ length: this.shards }, (_, s) => keys.dueCursor(s)),
            ConsistentRead: true,
          },
        },
        ReturnConsumedCapacity: this.onRead ? 'TOTAL' : undefined,
      }),
    );
    this.onRead?.(out.ConsumedCapacity?.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) ?? 0);
    // Up to 16 small items come back in one response; a shard without an item has never had a pointer.
    const items = new Map((out.Responses?.[this.tableName] ?? []).map((i) => [i.pk as string, i]));
    return Array.from({ length: this.shards }, (_, shard) =>
      cursorOf(shard, items.get(keys.dueCursor(shard).pk)),
    );
  }

  async dueIn(shard: number, after: string, through: string): Promise<DuePointer[]> {
    const out: DuePointer[] = [];
    for (const day of daysBetween(after, through)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': keys.dueDay(shard, day),
              // After `after`'s minute (the next minute's prefix), up to the end of `through`'s.
              ':from': minuteAfter(after),
              ':to': `${through}~`,
            },
            ExclusiveStartKey: start,
            // A pointer written just before must be seen: its writer may have left the mark alone.
            ConsistentRead: true,
            ReturnConsumedCapacity: this.onRead ? 'TOTAL' : undefined,
          }),
        );
        this.onRead?.(page.ConsumedCapacity?.CapacityUnits ?? 0);
        for (const item of page.Items ?? []) out.push(item.p as DuePointer);
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return out;
  }

  async firstAfter(shard: number, after: string, days: number): Promise<string | null> {
    const until = minuteAfter(after, days * 1440);
    for (const day of daysBetween(after, until)) {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          ExpressionAttributeValues: { ':pk': keys.dueDay(shard, day), ':after': `${after}~` },
          Limit: 1,
          ConsistentRead: true,
          ReturnConsumedCapacity: this.onRead ? 'TOTAL' : undefined,
        }),
      );
      this.onRead?.(page.ConsumedCapacity?.CapacityUnits ?? 0);
      const sk = page.Items?.[0]?.sk as string | undefined;
      if (sk) return sk.slice(0, 16);
    }
    return null;
  }

  async moveCursor(
    read: ShardCursor,
    next: CursorMove,
    options: { unlessWritten?: boolean } = {},
  ): Promise<ShardCursor | null> {
    const names: Record<string, string> = { '#d': 'doneThrough', '#n': 'nextAt', '#c': 'claim' };
    const values: Record<string, unknown> = {};
    const conditions: string[] = [];
    const equals = (name: string, placeholder: string, value: string | null) => {
      if (value === null) conditions.push(`attribute_not_exists(${name})`);
      else {
        conditions.push(`${name} = ${placeholder}`);
        values[placeholder] = value;
      }
    };
    equals('#d', ':rd', read.doneThrough);
    equals('#n', ':rn', read.nextAt);
    equals('#c', ':rc', read.claim);
    if (options.unlessWritten) {
      names['#w'] = 'writes';
      values[':rw'] = read.writes;
      conditions.push(read.writes === 0 ? '(attribute_not_exists(#w) OR #w = :rw)' : '#w = :rw');
    }
    const set = ['#d = :d', '#n = :n'];
    values[':d'] = next.doneThrough;
    values[':n'] = next.nextAt;
    if (next.claim !== null) {
      set.push('#c = :c');
      values[':c'] = next.claim;
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.dueCursor(read.shard),
          UpdateExpression: `SET ${set.join(', ')}${next.claim === null ? ' REMOVE #c' : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return cursorOf(read.shard, out.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }
}

function cursorOf(shard: number, item: Record<string, unknown> | undefined): ShardCursor {
  // A shard without an item has never had a pointer.
  return {
    shard,
    doneThrough: (item?.doneThrough as string | undefined) ?? null,
    nextAt: (item?.nextAt as string | undefined) ?? null,
    writes: Number(item?.writes ?? 0),
    claim: (item?.claim as string | undefined) ?? null,
  };
}
