import { randomBytes } from 'node:crypto';
import { dueMinuteOf, minuteAfter, shardOf } from '../../../shared/adapters/dynamodb/keys.js';
import type { JourneyDefinition } from '../../../shared/domain/journeys/definition.js';
import type { SendRequest } from '../../../shared/domain/sending/send-request.js';
import {
  type CursorMove,
  type DueIndex,
  type DuePointer,
  placedAt,
  type ShardCursor,
} from '../../../shared/ports/journeys/due-index.js';
import type { InstanceRecord, JourneyInstanceStore } from '../../../shared/ports/journeys/instance-store.js';
import type { JourneyHead, JourneyStore } from '../../../shared/ports/journeys/journey-store.js';
import type { SendRequestQueue } from '../../../shared/ports/sending/send-queue.js';
import { copy, Faults } from './faults.js';

/** DynamoJourneyStore: heads and versions per shop, a head moved only from the version it was read at. */
export class FakeJourneyStore implements JourneyStore {
  private readonly heads_ = new Map<string, JourneyHead>();
  private readonly versions = new Map<string, JourneyDefinition>();
  private readonly secrets = new Map<string, string>();

  async heads(shopId: string): Promise<JourneyHead[]> {
    return copy(
      [...this.heads_.entries()]
        .filter(([k]) => k.startsWith(`${shopId}|`))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, h]) => h),
    );
  }

  async head(shopId: string, journeyId: string): Promise<JourneyHead | null> {
    const h = this.heads_.get(`${shopId}|${journeyId}`);
    return h ? copy(h) : null;
  }

  async version(shopId: string, journeyId: string, version: number): Promise<JourneyDefinition | null> {
    const v = this.versions.get(`${shopId}|${journeyId}|${version}`);
    return v ? copy(v) : null;
  }

  async putHead(shopId: string, head: JourneyHead, previousVersion: number | null): Promise<boolean> {
    const key = `${shopId}|${head.journeyId}`;
    const current = this.heads_.get(key);
    if ((current?.definition.version ?? null) !== previousVersion) return false;
    const versionKey = `${key}|${head.definition.version}`;
    if (head.definition.version !== previousVersion && this.versions.has(versionKey)) return false;
    this.versions.set(versionKey, copy(head.definition));
    this.heads_.set(key, copy(head));
    return true;
  }

  async couponSecret(shopId: string): Promise<string> {
    let secret = this.secrets.get(shopId);
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      this.secrets.set(shopId, secret);
    }
    return secret;
  }
}

/** DynamoJourneyInstanceStore: records per customer, each written only at the revision read. */
export class FakeInstanceStore implements JourneyInstanceStore {
  readonly faults = new Faults<'ofCustomer' | 'save'>();
  private readonly records = new Map<string, InstanceRecord>();
  /** Runs before each save: a test's concurrent writer. */
  beforeSave?: (record: InstanceRecord) => void;
  reads = 0;
  writes = 0;

  async ofCustomer(shopId: string, customerId: string): Promise<InstanceRecord[]> {
    this.faults.check('ofCustomer');
    this.reads += 1;
    return copy(
      [...this.records.entries()]
        .filter(([k]) => k.startsWith(`${shopId}|${customerId}|`))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, r]) => r),
    );
  }

  async save(shopId: string, record: InstanceRecord): Promise<boolean> {
    this.faults.check('save');
    this.beforeSave?.(record);
    const key = `${shopId}|${record.instance.customerId}|${record.instance.instanceId}`;
    if ((this.records.get(key)?.rev ?? 0) !== record.rev) return false;
    this.writes += 1;
    this.records.set(key, copy({ ...record, rev: record.rev + 1 }));
    return true;
  }

  /** Bumps a stored record's revision, as another writer's save would. */
  touch(shopId: string, customerId: string, instanceId: string): void {
    const record = this.records.get(`${shopId}|${customerId}|${instanceId}`);
    if (record) record.rev += 1;
  }

  all(): InstanceRecord[] {
    return copy([...this.records.values()]);
  }
}

/**
 * DynamoDueIndex: pointers by shard and due minute (the boundary at or after their instant), the
 * same pointer twice one; cursors that writers lower and ticks move only from what they read.
 */
export class FakeDueIndex implements DueIndex {
  readonly faults = new Faults<'add' | 'dueIn' | 'cursors' | 'moveCursor'>();
  private readonly pointers = new Map<string, DuePointer>();
  private readonly marks = new Map<number, ShardCursor>();
  /** Requests made, as DynamoDB would count them: a cursors() read is one. */
  reads = 0;

  constructor(readonly shards = 8) {}

  shardOf(shopId: string, customerId: string): number {
    return shardOf(`${shopId}#${customerId}`, this.shards);
  }

  private key(p: DuePointer): string {
    const ref = p.ref.kind === 'wake' ? p.ref.instanceId : p.ref.kind === 'date' ? p.ref.journeyId : '';
    const retry = p.retry ? `|retry${p.retry.attempt}` : '';
    return `${this.shardOf(p.shopId, p.customerId)}|${dueMinuteOf(placedAt(p))}|${p.shopId}|${p.customerId}|${p.ref.kind}:${ref}|${p.at}${retry}`;
  }

  private cursor(shard: number): ShardCursor {
    return copy(this.marks.get(shard) ?? { shard, doneThrough: null, nextAt: null, writes: 0, claim: null });
  }

  async add(pointers: DuePointer[]): Promise<void> {
    this.faults.check('add');
    for (const p of pointers) {
      this.pointers.set(this.key(p), copy(p));
      await this.lower(this.shardOf(p.shopId, p.customerId), dueMinuteOf(placedAt(p)));
    }
  }

  async lower(shard: number, minute: string): Promise<void> {
    // Two requests, as in DynamoDB: the count (which reads the mark), then the conditional lowering.
    const counted = { ...this.cursor(shard), writes: this.cursor(shard).writes + 1 };
    this.marks.set(shard, counted);
    if (counted.nextAt !== null && counted.nextAt <= minute) return;
    await Promise.resolve();
    const c = this.cursor(shard);
    if (c.nextAt === null || c.nextAt > minute) this.marks.set(shard, { ...c, nextAt: minute });
  }

  async remove(pointers: DuePointer[]): Promise<void> {
    for (const p of pointers) this.pointers.delete(this.key(p));
  }

  async cursors(): Promise<ShardCursor[]> {
    this.faults.check('cursors');
    this.reads += 1;
    return Array.from({ length: this.shards }, (_, shard) => this.cursor(shard));
  }

  async dueIn(shard: number, after: string, through: string): Promise<DuePointer[]> {
    this.faults.check('dueIn');
    this.reads += 1;
    return copy(
      [...this.pointers.entries()]
        .filter(([k]) => {
          const [s, minute] = k.split('|') as [string, string];
          return Number(s) === shard && minute > after && minute <= through;
        })
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, p]) => p),
    );
  }

  async firstAfter(shard: number, after: string, days: number): Promise<string | null> {
    this.reads += 1;
    const until = minuteAfter(after, days * 1440);
    const minutes = [...this.pointers.keys()]
      .map((k) => k.split('|') as [string, string])
      .filter(([s, minute]) => Number(s) === shard && minute > after && minute <= until)
      .map(([, minute]) => minute)
      .sort();
    return minutes[0] ?? null;
  }

  async moveCursor(
    read: ShardCursor,
    next: CursorMove,
    options: { unlessWritten?: boolean } = {},
  ): Promise<ShardCursor | null> {
    this.faults.check('moveCursor');
    const current = this.cursor(read.shard);
    if (
      current.doneThrough !== read.doneThrough ||
      current.nextAt !== read.nextAt ||
      current.claim !== read.claim ||
      (options.unlessWritten && current.writes !== read.writes)
    )
      return null;
    const moved = { ...current, ...next };
    this.marks.set(read.shard, copy(moved));
    return copy(moved);
  }

  pending(): DuePointer[] {
    return copy([...this.pointers.values()]);
  }
}

/** The send queue of SqsSendRequestQueue: what was queued, in order. */
export class FakeSendRequestQueue implements SendRequestQueue {
  readonly faults = new Faults<'enqueue'>();
  private queued: SendRequest[] = [];

  async enqueue(requests: SendRequest[]): Promise<void> {
    this.faults.check('enqueue');
    this.queued.push(...copy(requests));
  }

  peek(): SendRequest[] {
    return copy(this.queued);
  }

  take(): SendRequest[] {
    const out = this.queued;
    this.queued = [];
    return out;
  }
}
