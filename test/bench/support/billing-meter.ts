/**
 * A DynamoDB meter that counts capacity units the way AWS bills them, for the benchmark.
 *
 * DynamoDB Local's `ReturnConsumedCapacity` under-reports transactions (a transaction of five puts
 * reports 2 units), so this meter ignores it and computes the units itself from the items, the
 * requests and the tables' key and index definitions (see /work/shared/dynamodb-cost.md).
 *
 * Use: `client.middlewareStack.use(meter.plugin)` on the `DynamoDBClient` the code under test uses
 * (the `DynamoDBDocumentClient` sends its commands through that stack), and give `billingMeter` a
 * second, un-metered client to the same endpoint: the meter reads every written item before and
 * after the write through it (ConsistentRead GetItem), so metered requests take about twice as long.
 *
 * The middleware sits at the `build` step: there `args.input` holds marshalled AttributeValue maps
 * for both low-level and document-client commands (the document client marshals in the `serialize`
 * step, before `serializerMiddleware`), but a document command's output has already been
 * unmarshalled (its `DocumentUnmarshall` runs around the deserializer), so the items read are
 * marshalled again with `@aws-sdk/util-dynamodb` to be sized.
 *
 * ## Sizing (AWS "Item sizes and formats")
 * An item's size is the sum, over its attributes, of the UTF-8 length of the name plus the value's
 * size: string, UTF-8 bytes; number, ceil(significant digits / 2) + 1 bytes, + 1 if negative
 * (leading and trailing zeros trimmed, at least one digit); binary, its bytes; boolean and null,
 * 1 byte; string/number/binary sets, the sum of their elements' sizes; map and list, 3 bytes + for
 * each element its size + 1 byte (+ the UTF-8 length of the key for a map).
 *
 * ## Writes
 * - Table: ceil(size / 1 KB), at least 1, of the larger of the old and the new item (put, update),
 *   of the old item for a delete; ×2 inside `TransactWriteItems`, `ConditionCheck` items included
 *   (2 × the checked item's units).
 * - Each global secondary index whose keys the old or the new item has: an entry costs
 *   ceil(projected size / 1 KB), at least 1 (no 100-byte index overhead: that one is for storage).
 *   Gaining the keys is a put of the new entry, losing them a delete of the old; a changed index key
 *   is a delete plus a put (two entries); unchanged keys rewrite the entry (billed on the larger of
 *   the old and new projections) only when a projected attribute changed: ALL, any attribute;
 *   KEYS_ONLY, never; INCLUDE, a listed attribute. An unchanged item bills the table write only.
 *   Index writes of a transaction are doubled too unless `doubleIndexWritesInTransactions: false`.
 * - A single write whose condition fails (`ConditionalCheckFailedException`) bills the table
 *   ceil(size of the existing item / 1 KB), at least 1, no index write, and counts a failed condition.
 * - ASSUMPTION, a cancelled transaction (`TransactionCanceledException`, whatever the reason): every
 *   item of it is billed 2 × ceil(size of its existing item / 1 KB), at least 1, on the table, no
 *   index write, as if each had failed its condition; `failedConditions` counts the items whose
 *   cancellation reason is `ConditionalCheckFailed`. `transactions` counts cancelled ones too.
 * - `BatchWriteItem`: only the processed requests (not those returned in `UnprocessedItems`), each
 *   billed like a single put or delete.
 * - Other errors (throttling, validation) bill nothing.
 *
 * ## Reads
 * Per item ceil(size / 4 KB), at least 1, halved for eventually consistent reads, doubled in
 * `TransactGetItems`. `Query`/`Scan` sum the sizes of all the items read in the request and round up
 * once (at least 1 unit). AWS bills the items read, not what is returned: a `ProjectionExpression`
 * or a `GetItem` of a missing item does not reduce the bill, and a `Query`/`Scan` with a filter,
 * a projection or `Select: COUNT` is billed on the items its key condition read. So for those the
 * meter reads again through the raw client (a `GetItem` without projection, or the same
 * `Query`/`Scan` page — same key condition, `ExclusiveStartKey`, `Limit` — without filter and
 * projection). On an index, the items read are the index entries (their projected size).
 * `BatchGetItem` bills each processed key (missing items at the minimum), not `UnprocessedKeys`.
 *
 * PartiQL (`ExecuteStatement` ...) and the legacy `AttributesToGet`/`QueryFilter`/`ScanFilter`
 * parameters are not metered faithfully: PartiQL requests pass through unbilled and are counted
 * in `unmetered`.
 */
import {
  type AttributeValue,
  type BatchGetItemCommandInput,
  type BatchWriteItemCommandInput,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  type TransactGetItemsCommandInput,
  type TransactWriteItemsCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { BuildHandlerOutput, BuildMiddleware, Pluggable } from '@smithy/types';

export interface IndexShape {
  indexName: string;
  partitionKey: { name: string };
  /** Absent for an index keyed by its partition key alone. */
  sortKey?: { name: string };
  projection: { type: 'KEYS_ONLY' } | { type: 'ALL' } | { type: 'INCLUDE'; attributes: string[] };
}

export interface TableShape {
  name: string;
  partitionKey: { name: string };
  /** Absent for a table keyed by its partition key alone. */
  sortKey?: { name: string };
  indexes: IndexShape[];
}

export interface Bill {
  /** tableWriteUnits + indexWriteUnits. */
  writeUnits: number;
  tableWriteUnits: number;
  indexWriteUnits: number;
  readUnits: number;
  /** TransactWriteItems requests, cancelled ones included. */
  transactions: number;
  /** Writes (or transaction items) whose condition failed. */
  failedConditions: number;
  /** Units (write units for writes, read units for reads) by low-level operation name, e.g. `PutItem`. */
  byOperation: Record<string, number>;
  /** Write units by index, as `table/index`. */
  byIndex: Record<string, number>;
  /**
   * Write units (table and index) by the kind of item written, as `classify` names it (by default
   * the partition key's third part and the sort key's first: `SHOP#s#JOURNEYS` + `HEAD#x` →
   * `JOURNEYS/HEAD`), to see where units go.
   */
  byKind: Record<string, number>;
  /** Read units by the kind of item read (the same names as `byKind`; a query by its partition and first item). */
  readsByKind: Record<string, number>;
  /** Requests sent, by operation: what a request-bound store (DynamoDB Local) spends its time on. */
  requests: Record<string, number>;
  /** Requests passed through without a bill (PartiQL), by operation name. */
  unmetered: Record<string, number>;
}

export interface BillingMeterOptions {
  /** Whether index writes inside TransactWriteItems cost twice, like the table writes. Default true. */
  doubleIndexWritesInTransactions?: boolean;
}

type Item = Record<string, AttributeValue>;

const KB = 1024;
const READ_UNIT = 4 * KB;

// ---------------------------------------------------------------------------------------------
// Sizing

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Bytes of a DynamoDB number: ceil(significant digits / 2) + 1, + 1 if negative. */
export function numberSize(n: string): number {
  let s = n.trim();
  const negative = s.startsWith('-');
  s = s.replace(/^[+-]/, '');
  const mantissa = s.split(/e/i)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1 + (negative ? 1 : 0);
}

function binarySize(b: Uint8Array | string): number {
  return typeof b === 'string' ? Buffer.from(b, 'base64').length : b.byteLength;
}

/** Bytes of one attribute value (without its name). */
export function attributeValueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return binarySize(v.B);
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((sum, s) => sum + numberSize(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((sum, b) => sum + binarySize(b), 0);
  if (v.L !== undefined) return 3 + v.L.reduce((sum, e) => sum + attributeValueSize(e) + 1, 0);
  if (v.M !== undefined) {
    return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + utf8(k) + attributeValueSize(e) + 1, 0);
  }
  throw new Error(`billingMeter: unknown attribute value ${JSON.stringify(v)}`);
}

/** Bytes of an item: attribute names (UTF-8) plus values; 0 for no item. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + attributeValueSize(v), 0);
}

/** Write units of one item or index entry of `size` bytes: ceil(size / 1 KB), at least 1. */
export const writeUnits = (size: number): number => Math.max(1, Math.ceil(size / KB));

/** Read units of `size` bytes read at once: ceil(size / 4 KB), at least 1, halved if eventually consistent. */
export const readUnits = (size: number, consistent: boolean): number =>
  Math.max(1, Math.ceil(size / READ_UNIT)) * (consistent ? 1 : 0.5);

// ---------------------------------------------------------------------------------------------
// Comparing values (numbers as DynamoDB normalises them; binary by content; sets unordered)

function canonicalNumber(n: string): string {
  const m = /^([+-]?)(\d*)\.?(\d*)(?:e([+-]?\d+))?$/i.exec(n.trim());
  if (!m) return n;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const all = int + frac;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.replace(/^0+/, '').replace(/0+$/, '');
  if (!digits) return '0';
  // value = 0.<digits> × 10^(point) where point counts from the first significant digit
  const point = int.length - lead + Number(exp);
  return `${sign === '-' ? '-' : ''}${digits}e${point}`;
}

function canonical(v: AttributeValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.S !== undefined) return ['S', v.S];
  if (v.N !== undefined) return ['N', canonicalNumber(v.N)];
  if (v.B !== undefined) return ['B', Buffer.from(binaryBytes(v.B)).toString('base64')];
  if (v.BOOL !== undefined) return ['BOOL', v.BOOL];
  if (v.NULL !== undefined) return ['NULL'];
  if (v.SS !== undefined) return ['SS', [...v.SS].sort()];
  if (v.NS !== undefined) return ['NS', v.NS.map(canonicalNumber).sort()];
  if (v.BS !== undefined)
    return ['BS', v.BS.map((b) => Buffer.from(binaryBytes(b)).toString('base64')).sort()];
  if (v.L !== undefined) return ['L', v.L.map(canonical)];
  if (v.M !== undefined) return ['M', canonicalItem(v.M)];
  return JSON.stringify(v);
}

function binaryBytes(b: Uint8Array | string): Uint8Array {
  return typeof b === 'string' ? Buffer.from(b, 'base64') : b;
}

function canonicalItem(item: Item): unknown {
  return Object.keys(item)
    .sort()
    .map((k) => [k, canonical(item[k])]);
}

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

const itemKey = (item: Item): string => JSON.stringify(canonicalItem(item));

// ---------------------------------------------------------------------------------------------
// Index entries

function keyNames(table: TableShape): string[] {
  return [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
}

function indexKeyNames(index: IndexShape): string[] {
  return [index.partitionKey.name, ...(index.sortKey ? [index.sortKey.name] : [])];
}

function pick(item: Item, names: Iterable<string>): Item {
  const out: Item = {};
  for (const n of names) {
    const v = item[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}

/** The attributes the index projects, or undefined for all of them. */
function projectedNames(table: TableShape, index: IndexShape): Set<string> | undefined {
  if (index.projection.type === 'ALL') return undefined;
  const names = new Set([...keyNames(table), ...indexKeyNames(index)]);
  if (index.projection.type === 'INCLUDE') for (const a of index.projection.attributes) names.add(a);
  return names;
}

/** The index entry an item makes, or undefined when the item lacks the index's keys. */
export function indexEntry(table: TableShape, index: IndexShape, item: Item | undefined): Item | undefined {
  if (!item) return undefined;
  if (indexKeyNames(index).some((n) => item[n] === undefined)) return undefined;
  const names = projectedNames(table, index);
  return names ? pick(item, names) : item;
}

/** Write units of an index for a write turning `before` into `after` (either may be absent). */
export function indexWriteUnits(
  table: TableShape,
  index: IndexShape,
  before: Item | undefined,
  after: Item | undefined,
): number {
  const oldEntry = indexEntry(table, index, before);
  const newEntry = indexEntry(table, index, after);
  if (!oldEntry && !newEntry) return 0;
  if (!oldEntry) return writeUnits(itemSize(newEntry)); // put
  if (!newEntry) return writeUnits(itemSize(oldEntry)); // delete
  const keyChanged = indexKeyNames(index).some((n) => !sameValue(oldEntry[n], newEntry[n]));
  if (keyChanged) return writeUnits(itemSize(oldEntry)) + writeUnits(itemSize(newEntry)); // delete + put
  if (itemKey(oldEntry) === itemKey(newEntry)) return 0; // no projected attribute changed
  return writeUnits(Math.max(itemSize(oldEntry), itemSize(newEntry))); // rewrite
}

// ---------------------------------------------------------------------------------------------
// The meter

type WriteKind = 'put' | 'update' | 'delete' | 'check';

interface PlannedWrite {
  table: TableShape;
  key: Item;
  kind: WriteKind;
  /** The item a put writes. */
  item?: Item;
  old?: Item;
}

/** The input of a Query or a Scan (whose fields differ only by the ones each lacks). */
type PageInput = QueryCommandInput & ScanCommandInput;

type MiddlewareResult = BuildHandlerOutput<object>;

/** A write request of BatchWriteItem's UnprocessedItems, marshalled or not. */
interface LooseWriteRequest {
  PutRequest?: { Item?: unknown };
  DeleteRequest?: { Key?: unknown };
}

const errorName = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null ? (e as { name?: string }).name : undefined;

const PARTIQL = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

export interface BillingMeter {
  // biome-ignore lint/suspicious/noExplicitAny: the plugin goes on any DynamoDBClient's stack.
  plugin: Pluggable<any, any>;
  bill: Bill;
  reset(): void;
  /** Off, requests pass through untouched (timed rounds); on, they are billed. */
  enabled: boolean;
  /** The kind an item's keys make it, for `bill.byKind`. */
  classify: (pk: string, sk: string) => string;
}

export const kindByKeys = (pk: string, sk: string): string =>
  `${pk.split('#')[2] ?? pk.split('#')[0]}/${sk.split('#')[0]}`;

export function billingMeter(
  tables: TableShape[],
  raw: Pick<DynamoDBClient, 'send'>,
  options: BillingMeterOptions = {},
): BillingMeter {
  const doubleIndex = options.doubleIndexWritesInTransactions ?? true;
  const shapes = new Map(tables.map((t) => [t.name, t]));
  const bill: Bill = {
    writeUnits: 0,
    tableWriteUnits: 0,
    indexWriteUnits: 0,
    readUnits: 0,
    transactions: 0,
    failedConditions: 0,
    byOperation: {},
    byIndex: {},
    byKind: {},
    readsByKind: {},
    requests: {},
    unmetered: {},
  };

  function reset(): void {
    bill.writeUnits = 0;
    bill.tableWriteUnits = 0;
    bill.indexWriteUnits = 0;
    bill.readUnits = 0;
    bill.transactions = 0;
    bill.failedConditions = 0;
    bill.byOperation = {};
    bill.byIndex = {};
    bill.byKind = {};
    bill.readsByKind = {};
    bill.requests = {};
    bill.unmetered = {};
  }

  const shape = (name: string | undefined): TableShape => {
    const s = name === undefined ? undefined : shapes.get(name);
    if (!s) throw new Error(`billingMeter: no TableShape for table ${name}`);
    return s;
  };

  const addOperation = (op: string, units: number): void => {
    bill.byOperation[op] = (bill.byOperation[op] ?? 0) + units;
  };

  /** The kind of the item at `key` in `table`, as `classify` names it (writes and reads alike). */
  const kindOfKey = (table: TableShape | string | undefined, key: Item | undefined): string => {
    const t = typeof table === 'object' ? table : shape(table);
    const part = (name: string | undefined) => (name === undefined ? '' : (key?.[name]?.S ?? ''));
    return meter.classify(part(t.partitionKey.name), part(t.sortKey?.name));
  };
  const kindOf = (w: PlannedWrite): string => kindOfKey(w.table, w.key);

  const addKind = (w: PlannedWrite, units: number): void => {
    const k = kindOf(w);
    bill.byKind[k] = (bill.byKind[k] ?? 0) + units;
  };

  function addTableWrite(op: string, units: number): void {
    bill.tableWriteUnits += units;
    bill.writeUnits += units;
    addOperation(op, units);
  }

  function addIndexWrite(op: string, table: TableShape, index: IndexShape, units: number): void {
    if (units === 0) return;
    bill.indexWriteUnits += units;
    bill.writeUnits += units;
    addOperation(op, units);
    const name = `${table.name}/${index.indexName}`;
    bill.byIndex[name] = (bill.byIndex[name] ?? 0) + units;
  }

  function addRead(op: string, units: number, kind: string): void {
    bill.readUnits += units;
    addOperation(op, units);
    bill.readsByKind[kind] = (bill.readsByKind[kind] ?? 0) + units;
  }

  async function getItem(input: GetItemCommandInput): Promise<Item | undefined> {
    const out = await raw.send(new GetItemCommand(input));
    return out?.Item;
  }

  const readOld = async (w: PlannedWrite): Promise<void> => {
    w.old = await getItem({ TableName: w.table.name, Key: w.key, ConsistentRead: true });
  };

  /** The item after a successful write. */
  async function newImage(w: PlannedWrite): Promise<Item | undefined> {
    switch (w.kind) {
      case 'put':
        return w.item;
      case 'update':
        return getItem({ TableName: w.table.name, Key: w.key, ConsistentRead: true });
      case 'delete':
        return undefined;
      case 'check':
        return w.old;
    }
  }

  async function billApplied(op: string, w: PlannedWrite, factor: number): Promise<void> {
    const after = await newImage(w);
    const size =
      w.kind === 'delete' || w.kind === 'check'
        ? itemSize(w.old)
        : Math.max(itemSize(w.old), itemSize(after));
    addTableWrite(op, factor * writeUnits(size));
    addKind(w, factor * writeUnits(size));
    if (w.kind === 'check') return;
    const indexFactor = factor > 1 && !doubleIndex ? 1 : factor;
    for (const index of w.table.indexes) {
      const units = indexFactor * indexWriteUnits(w.table, index, w.old, after);
      addIndexWrite(op, w.table, index, units);
      addKind(w, units);
    }
  }

  /** A write that did not apply: the existing item's units (at least 1), table only. */
  const billRejected = (op: string, w: PlannedWrite, factor: number): void => {
    addTableWrite(op, factor * writeUnits(itemSize(w.old)));
    addKind(w, factor * writeUnits(itemSize(w.old)));
  };

  // The output of a document-client command is unmarshalled before it reaches this middleware.
  const asItem = (x: unknown, doc: boolean): Item =>
    doc
      ? marshall(x as Record<string, unknown>, {
          convertClassInstanceToMap: true,
          removeUndefinedValues: true,
        })
      : (x as Item);

  type Next = () => Promise<MiddlewareResult>;
  type Handler = (input: unknown, next: Next, op: string, doc: boolean) => Promise<MiddlewareResult>;
  /** A handler for one operation's (marshalled) input. */
  const handle =
    <I>(f: (input: I, next: Next, op: string, doc: boolean) => Promise<MiddlewareResult>): Handler =>
    (input, next, op, doc) =>
      f(input as I, next, op, doc);

  async function singleWrite(w: PlannedWrite, next: Next, op: string): Promise<MiddlewareResult> {
    await readOld(w);
    let result: MiddlewareResult;
    try {
      result = await next();
    } catch (e) {
      if (errorName(e) === 'ConditionalCheckFailedException') {
        billRejected(op, w, 1);
        bill.failedConditions += 1;
      }
      throw e;
    }
    await billApplied(op, w, 1);
    return result;
  }

  const keyOf = (table: TableShape, item: Item): Item => pick(item, keyNames(table));
  const put = (tableName: string | undefined, item: Item = {}): PlannedWrite => {
    const table = shape(tableName);
    return { table, kind: 'put', item, key: keyOf(table, item) };
  };
  const keyed = (kind: WriteKind, tableName: string | undefined, key: Item = {}): PlannedWrite => ({
    table: shape(tableName),
    kind,
    key,
  });

  const handlers: Record<string, Handler> = {
    PutItem: handle<PutItemCommandInput>((input, next, op) =>
      singleWrite(put(input.TableName, input.Item), next, op),
    ),
    UpdateItem: handle<UpdateItemCommandInput>((input, next, op) =>
      singleWrite(keyed('update', input.TableName, input.Key), next, op),
    ),
    DeleteItem: handle<DeleteItemCommandInput>((input, next, op) =>
      singleWrite(keyed('delete', input.TableName, input.Key), next, op),
    ),

    BatchWriteItem: handle<BatchWriteItemCommandInput>(async (input, next, op, doc) => {
      const writes: Array<PlannedWrite & { tableName: string }> = [];
      for (const [tableName, requests] of Object.entries(input.RequestItems ?? {})) {
        for (const r of requests) {
          if (r.PutRequest) writes.push({ tableName, ...put(tableName, r.PutRequest.Item) });
          else if (r.DeleteRequest)
            writes.push({ tableName, ...keyed('delete', tableName, r.DeleteRequest.Key) });
        }
      }
      await Promise.all(writes.map(readOld));
      const result = await next();
      // Marshalled for a low-level command, unmarshalled for a document-client one.
      const left = (result.output as { UnprocessedItems?: Record<string, LooseWriteRequest[]> })
        .UnprocessedItems;
      const unprocessed = new Set<string>();
      for (const [tableName, requests] of Object.entries(left ?? {})) {
        const table = shape(tableName);
        for (const r of requests) {
          const key = r.PutRequest
            ? keyOf(table, asItem(r.PutRequest.Item, doc))
            : asItem(r.DeleteRequest?.Key, doc);
          unprocessed.add(`${tableName}\n${itemKey(key)}`);
        }
      }
      for (const w of writes) {
        if (unprocessed.has(`${w.tableName}\n${itemKey(w.key)}`)) continue;
        await billApplied(op, w, 1);
      }
      return result;
    }),

    TransactWriteItems: handle<TransactWriteItemsCommandInput>(async (input, next, op) => {
      const writes = (input.TransactItems ?? []).map((t): PlannedWrite => {
        if (t.Put) return put(t.Put.TableName, t.Put.Item);
        if (t.Update) return keyed('update', t.Update.TableName, t.Update.Key);
        if (t.Delete) return keyed('delete', t.Delete.TableName, t.Delete.Key);
        if (t.ConditionCheck) return keyed('check', t.ConditionCheck.TableName, t.ConditionCheck.Key);
        throw new Error(`billingMeter: unknown transaction item ${Object.keys(t).join(',')}`);
      });
      await Promise.all(writes.map(readOld));
      bill.transactions += 1;
      let result: MiddlewareResult;
      try {
        result = await next();
      } catch (e) {
        if (errorName(e) === 'TransactionCanceledException') {
          for (const w of writes) billRejected(op, w, 2);
          const reasons = (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
          bill.failedConditions += reasons.filter((r) => r.Code === 'ConditionalCheckFailed').length;
        }
        throw e;
      }
      for (const w of writes) await billApplied(op, w, 2);
      return result;
    }),

    GetItem: handle<GetItemCommandInput>(async (input, next, op, doc) => {
      const result = await next();
      const returned = (result.output as { Item?: unknown }).Item;
      const item = projected(input)
        ? await getItem({ TableName: input.TableName, Key: input.Key, ConsistentRead: true })
        : returned === undefined
          ? undefined
          : asItem(returned, doc);
      addRead(
        op,
        readUnits(itemSize(item), input.ConsistentRead === true),
        kindOfKey(input.TableName, input.Key),
      );
      return result;
    }),

    BatchGetItem: handle<BatchGetItemCommandInput>(async (input, next, op, doc) => {
      const result = await next();
      const output = result.output as {
        Responses?: Record<string, unknown[]>;
        UnprocessedKeys?: Record<string, { Keys?: unknown[] }>;
      };
      for (const [tableName, request] of Object.entries(input.RequestItems ?? {})) {
        const table = shape(tableName);
        const left = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
        const unprocessed = new Set(left.map((k) => itemKey(asItem(k, doc))));
        const returned = new Map<string, Item>();
        for (const r of output.Responses?.[tableName] ?? []) {
          const item = asItem(r, doc);
          returned.set(itemKey(keyOf(table, item)), item);
        }
        for (const key of request.Keys ?? []) {
          const k = itemKey(key);
          if (unprocessed.has(k)) continue;
          const item = projected(request)
            ? await getItem({ TableName: tableName, Key: key, ConsistentRead: true })
            : returned.get(k);
          addRead(op, readUnits(itemSize(item), request.ConsistentRead === true), kindOfKey(tableName, key));
        }
      }
      return result;
    }),

    TransactGetItems: handle<TransactGetItemsCommandInput>(async (input, next, op, doc) => {
      const result = await next();
      const responses = (result.output as { Responses?: Array<{ Item?: unknown }> }).Responses ?? [];
      for (const [i, { Get }] of (input.TransactItems ?? []).entries()) {
        if (!Get) continue;
        const returned = responses[i]?.Item;
        const item = projected(Get)
          ? await getItem({ TableName: Get.TableName, Key: Get.Key, ConsistentRead: true })
          : returned === undefined
            ? undefined
            : asItem(returned, doc);
        addRead(op, 2 * readUnits(itemSize(item), true), kindOfKey(Get.TableName, Get.Key));
      }
      return result;
    }),

    Query: handle<PageInput>((input, next, op, doc) => pageRead(input, next, op, doc, 'Query')),
    Scan: handle<PageInput>((input, next, op, doc) => pageRead(input, next, op, doc, 'Scan')),
  };

  function projected(request: { ProjectionExpression?: string; AttributesToGet?: string[] }): boolean {
    return request.ProjectionExpression !== undefined || request.AttributesToGet !== undefined;
  }

  /** Query and Scan: the items read by the key condition (before filter and projection), rounded once. */
  async function pageRead(
    input: PageInput,
    next: Next,
    op: string,
    doc: boolean,
    kind: 'Query' | 'Scan',
  ): Promise<MiddlewareResult> {
    const result = await next();
    const reduced =
      input.FilterExpression !== undefined ||
      input.QueryFilter !== undefined ||
      input.ScanFilter !== undefined ||
      projected(input) ||
      (input.Select !== undefined &&
        input.Select !== 'ALL_ATTRIBUTES' &&
        input.Select !== 'ALL_PROJECTED_ATTRIBUTES');
    const items = reduced
      ? await rereadPage(input, kind)
      : ((result.output as { Items?: unknown[] }).Items ?? []).map((i) => asItem(i, doc));
    const total = items.reduce((sum, i) => sum + itemSize(i), 0);
    addRead(op, readUnits(total, input.ConsistentRead === true), pageKind(input, items[0]));
    return result;
  }

  /** A page's kind: its partition (from the key condition) and its first item's sort key, if any. */
  function pageKind(input: PageInput, first: Item | undefined): string {
    const table = shape(input.TableName);
    const index = table.indexes.find((i) => i.indexName === input.IndexName);
    const pkName = index ? index.partitionKey.name : table.partitionKey.name;
    const skName = index ? index.sortKey?.name : table.sortKey?.name;
    const names = input.ExpressionAttributeNames ?? {};
    const expression = input.KeyConditionExpression ?? '';
    let pk = '';
    for (const [, name, placeholder] of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
      if ((names[name as string] ?? name) === pkName) {
        const v = (input.ExpressionAttributeValues as Record<string, AttributeValue> | undefined)?.[
          placeholder as string
        ];
        pk = v?.S ?? '';
      }
    }
    const sk = skName === undefined ? '' : (first?.[skName]?.S ?? '');
    return `${input.IndexName ? `${input.IndexName}:` : ''}${meter.classify(pk, sk)}`;
  }

  /** The same page read again without filter and projection: the items DynamoDB read and bills. */
  async function rereadPage(input: PageInput, kind: 'Query' | 'Scan'): Promise<Item[]> {
    const common = {
      TableName: input.TableName,
      IndexName: input.IndexName,
      ExclusiveStartKey: input.ExclusiveStartKey,
      Limit: input.Limit,
      ConsistentRead: input.ConsistentRead,
    };
    if (kind === 'Scan') {
      const scan: ScanCommandInput = {
        ...common,
        Segment: input.Segment,
        TotalSegments: input.TotalSegments,
      };
      return (await raw.send(new ScanCommand(scan))).Items ?? [];
    }
    // Only the placeholders the key condition uses: DynamoDB rejects unused ones.
    const expression = input.KeyConditionExpression ?? '';
    const used = <V>(
      values: Record<string, V> | undefined,
      pattern: RegExp,
    ): Record<string, V> | undefined => {
      const tokens = new Set(expression.match(pattern) ?? []);
      const kept = Object.entries(values ?? {}).filter(([k]) => tokens.has(k));
      return kept.length ? Object.fromEntries(kept) : undefined;
    };
    const query: QueryCommandInput = {
      ...common,
      KeyConditionExpression: input.KeyConditionExpression,
      KeyConditions: input.KeyConditions,
      ScanIndexForward: input.ScanIndexForward,
      ExpressionAttributeNames: used(input.ExpressionAttributeNames, /#[A-Za-z0-9_]+/g),
      ExpressionAttributeValues: used(input.ExpressionAttributeValues, /:[A-Za-z0-9_]+/g),
    };
    return (await raw.send(new QueryCommand(query))).Items ?? [];
  }

  const middleware: BuildMiddleware<object, object> = (next, context) => async (args) => {
    const op = String(context.commandName ?? '').replace(/Command$/, '');
    if (PARTIQL.has(op)) bill.unmetered[op] = (bill.unmetered[op] ?? 0) + 1;
    const handler = handlers[op];
    if (!handler || !meter.enabled) return next(args);
    bill.requests[op] = (bill.requests[op] ?? 0) + 1;
    // Set by the document client's marshalling middleware (serialize step): its output is unmarshalled.
    const features = (context as { __aws_sdk_context?: { features?: Record<string, string> } })
      .__aws_sdk_context?.features;
    return handler(args.input, () => next(args), op, features?.DDB_MAPPER === 'd');
  };

  // biome-ignore lint/suspicious/noExplicitAny: the plugin goes on any DynamoDBClient's stack, as specified.
  const plugin: Pluggable<any, any> = {
    applyToStack(stack) {
      stack.add(middleware, { step: 'build', name: 'huitouBillingMeter' });
    },
  };

  const meter: BillingMeter = { plugin, bill, reset, enabled: true, classify: kindByKeys };
  return meter;
}
