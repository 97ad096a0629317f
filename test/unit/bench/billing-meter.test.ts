import {
  type AttributeValue,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  QueryCommand as DocQueryCommand,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  TransactGetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  attributeValueSize,
  billingMeter,
  itemSize,
  numberSize,
  type TableShape,
} from '../../bench/support/billing-meter.js';

type Item = Record<string, AttributeValue>;
type Native = Record<string, unknown>;

const TABLE = 'main';
const shapes: TableShape[] = [
  {
    name: TABLE,
    partitionKey: { name: 'pk' },
    sortKey: { name: 'sk' },
    indexes: [
      {
        indexName: 'byOwner',
        partitionKey: { name: 'owner' },
        sortKey: { name: 'created' },
        projection: { type: 'KEYS_ONLY' },
      },
      {
        indexName: 'byValue',
        partitionKey: { name: 'valueBucket' },
        sortKey: { name: 'value' },
        projection: { type: 'ALL' },
      },
      {
        indexName: 'byTier',
        partitionKey: { name: 'tier' },
        sortKey: { name: 'since' },
        projection: { type: 'INCLUDE', attributes: ['email'] },
      },
    ],
  },
];

// A DynamoDB stand-in: the raw client's GetItem answers from `before` until the metered client's
// request reaches the (stubbed) wire, then from `after`; the wire answers `response`.
const before = new Map<string, Item>();
const after = new Map<string, Item>();
let phase: 'before' | 'after' = 'before';
let response: { status: number; json: unknown } = { status: 200, json: {} };
const wire: string[] = [];

const keyString = (key: Item) => `${key.pk?.S}|${key.sk?.S}`;
function seed(state: Map<string, Item>, item: Native): void {
  const m = marshall(item);
  state.set(keyString(m), m);
}

const raw = new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const rawMock = mockClient(raw);

/** A real DynamoDBClient (its whole middleware stack runs) whose wire is stubbed. */
function stubbedClient(): DynamoDBClient {
  return new DynamoDBClient({
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        wire.push(String(request.headers['x-amz-target']).split('.')[1] ?? '');
        phase = 'after';
        return {
          response: {
            statusCode: response.status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Buffer.from(JSON.stringify(response.json)),
          },
        };
      },
    } as unknown as DynamoDBClientConfig['requestHandler'],
  });
}
const metered = stubbedClient();
const meter = billingMeter(shapes, raw);
metered.middlewareStack.use(meter.plugin);
const doc = DynamoDBDocumentClient.from(metered);

const fail = (type: string, extra: Native = {}) => ({
  status: 400,
  json: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'failed', ...extra },
});

beforeEach(() => {
  before.clear();
  after.clear();
  phase = 'before';
  response = { status: 200, json: {} };
  wire.length = 0;
  meter.reset();
  rawMock.reset();
  rawMock.on(GetItemCommand).callsFake((input: { Key: Item }) => ({
    Item: (phase === 'before' ? before : after).get(keyString(input.Key)),
  }));
});

// Sizes by hand: a string attribute is its name's length + its value's length (ASCII).
// pk 'c#1' = 2 + 3 = 5 B; sk 'profile' = 2 + 7 = 9 B: the key is 14 B.
const key = { pk: 'c#1', sk: 'profile' };
/** 14 B of key + `data` (4 B of name) + n characters = 18 + n bytes. */
const itemOf = (n: number, extra: Native = {}, fill = 'x') => ({ ...key, data: fill.repeat(n), ...extra });
/** Another customer's profile, of the same key size as `key`'s when `pk` is `c#<digit>`: 18 + n bytes. */
const profileOf = (pk: string, n: number) => ({ pk, sk: 'profile', data: 'x'.repeat(n) });
/** The item at `key` is `from` until the metered request reaches the wire, then `to`. */
function changes(from: Native, to: Native): void {
  seed(before, from);
  seed(after, to);
}

const put = (Item: Native, extra: Omit<PutCommandInput, 'TableName' | 'Item'> = {}) =>
  doc.send(new PutCommand({ TableName: TABLE, Item, ...extra }));
/** An update of the item at `key`. */
const update = (input: Omit<UpdateCommandInput, 'TableName' | 'Key'>) =>
  doc.send(new UpdateCommand({ TableName: TABLE, Key: key, ...input }));
/** Rewrites the `data` of the item at `key` with n characters of `fill`: no index key moves. */
const setData = (n: number, fill = 'y') =>
  update({
    UpdateExpression: 'SET #d = :d',
    ExpressionAttributeNames: { '#d': 'data' },
    ExpressionAttributeValues: { ':d': fill.repeat(n) },
  });
const transactWrite = (...TransactItems: NonNullable<TransactWriteCommandInput['TransactItems']>) =>
  doc.send(new TransactWriteCommand({ TransactItems }));
const get = (extra: Omit<GetCommandInput, 'TableName' | 'Key'> = {}) =>
  doc.send(new GetCommand({ TableName: TABLE, Key: key, ...extra }));
/** Three events of 1500 B in the partition `c#1`, 4500 B in all. */
const events1500 = () =>
  ['a', 'b', 'c'].map((sk) => marshall({ pk: 'c#1', sk: `e#${sk}`, data: 'x'.repeat(1486) }));

describe('item sizes', () => {
  it('follows the AWS sizing rules', () => {
    expect(itemSize(marshall(itemOf(282)))).toBe(300); // 18 + 282
    expect(numberSize('123456')).toBe(4); // 6 digits / 2 + 1
    expect(numberSize('120')).toBe(2); // trailing zero trimmed: '12' → 1 + 1
    expect(numberSize('-1.5')).toBe(3); // '15' → 1 + 1, + 1 for the sign
    expect(numberSize('0.001')).toBe(2); // '1' → ceil(1/2) + 1
    expect(attributeValueSize({ BOOL: true })).toBe(1);
    expect(attributeValueSize({ NULL: true })).toBe(1);
    expect(attributeValueSize({ B: new Uint8Array(10) })).toBe(10);
    expect(attributeValueSize({ S: 'é' })).toBe(2); // UTF-8 bytes
    // list: 3 + ('ab' 2 + 1) + (N 7: 2 + 1) = 9
    expect(attributeValueSize({ L: [{ S: 'ab' }, { N: '7' }] })).toBe(9);
    // map: 3 + (name 'a' 1 + 'xyz' 3 + 1) = 8
    expect(attributeValueSize({ M: { a: { S: 'xyz' } } })).toBe(8);
    expect(attributeValueSize({ SS: ['a', 'bc'] })).toBe(3);
  });
});

describe('billingMeter writes', () => {
  it('a 300 B put costs 1 unit', async () => {
    // 18 + 282 = 300 B → ceil(300/1024) = 1; no index keys → no index write.
    await put(itemOf(282));
    expect(wire).toEqual(['PutItem']);
    expect(meter.bill).toMatchObject({
      writeUnits: 1,
      tableWriteUnits: 1,
      indexWriteUnits: 0,
      byOperation: { PutItem: 1 },
    });
  });

  it('a 1.5 KB put costs 2 units', async () => {
    // 18 + 1522 = 1540 B → ceil(1540/1024) = 2.
    await put(itemOf(1522));
    expect(meter.bill).toMatchObject({ writeUnits: 2, tableWriteUnits: 2 });
  });

  it('a put replacing a larger item costs the larger one', async () => {
    seed(before, itemOf(1522)); // 1540 B → 2
    await metered.send(new PutItemCommand({ TableName: TABLE, Item: marshall(itemOf(282)) })); // 300 B → 1
    expect(meter.bill.writeUnits).toBe(2); // max(1540, 300) B → 2
  });

  it('a put in a transaction costs twice', async () => {
    // 300 B → 1 unit, × 2 in a transaction.
    await transactWrite({ Put: { TableName: TABLE, Item: itemOf(282) } });
    expect(meter.bill).toMatchObject({
      writeUnits: 2,
      tableWriteUnits: 2,
      transactions: 1,
      byOperation: { TransactWriteItems: 2 },
    });
  });

  it('a transaction doubles condition checks and index entries', async () => {
    seed(before, profileOf('c#2', 1522)); // 1540 B → 2
    // The put enters byValue (ALL): 14 + 12 ('valueBucket' 11 + 'b' 1) + 7 ('value' 5 + N 120 2) + 104 = 137 B
    const entering = itemOf(100, { valueBucket: 'b', value: 120 });
    seed(after, entering);
    await transactWrite(
      { Put: { TableName: TABLE, Item: entering } },
      {
        ConditionCheck: {
          TableName: TABLE,
          Key: { pk: 'c#2', sk: 'profile' },
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
    );
    // put: table 2 × 1, index put 2 × 1; check: 2 × ceil(1540/1024) = 4 → table 6, index 2.
    expect(meter.bill).toMatchObject({
      tableWriteUnits: 6,
      indexWriteUnits: 2,
      writeUnits: 8,
      byIndex: { 'main/byValue': 2 },
    });
  });

  it('an update moving a KEYS_ONLY index key is a table write, an index delete and an index put', async () => {
    // 14 + owner ('owner' 5 + 'u1' 2 = 7) + created ('created' 7 + '2024' 4 = 11) + data (4 + 1000) = 1036 B → 2
    changes(itemOf(1000, { owner: 'u1', created: '2024' }), itemOf(1000, { owner: 'u2', created: '2024' }));
    await update({
      UpdateExpression: 'SET #o = :o',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':o': 'u2' },
    });
    expect(wire).toEqual(['UpdateItem']);
    // table: max(1036, 1036) → 2; KEYS_ONLY entry = pk 5 + sk 9 + owner 7 + created 11 = 32 B → delete 1 + put 1.
    expect(meter.bill).toMatchObject({
      tableWriteUnits: 2,
      indexWriteUnits: 2,
      writeUnits: 4,
      byIndex: { 'main/byOwner': 2 },
    });
  });

  it('an update not touching a KEYS_ONLY index key writes the table only', async () => {
    // 1036 B, then its data changed (the same size)
    changes(
      itemOf(1000, { owner: 'u1', created: '2024' }),
      itemOf(1000, { owner: 'u1', created: '2024' }, 'y'),
    );
    await setData(1000);
    // table ceil(1036/1024) = 2; the KEYS_ONLY entry did not change → 0.
    expect(meter.bill).toMatchObject({ tableWriteUnits: 2, indexWriteUnits: 0, writeUnits: 2 });
  });

  it('an update changing an attribute projected by an ALL index rewrites the entry', async () => {
    // 14 + valueBucket 12 + value 7 + data 104 = 137 B → 1
    changes(
      itemOf(100, { valueBucket: 'b', value: 120 }),
      itemOf(100, { valueBucket: 'b', value: 120 }, 'y'),
    );
    await setData(100);
    // table 1 + byValue rewrite ceil(137/1024) = 1.
    expect(meter.bill).toMatchObject({
      tableWriteUnits: 1,
      indexWriteUnits: 1,
      writeUnits: 2,
      byIndex: { 'main/byValue': 1 },
    });
  });

  it('an INCLUDE index is rewritten only when a listed attribute changes', async () => {
    // tier ('tier' 4 + 'gold' 4 = 8), since ('since' 5 + '2020' 4 = 9), email ('email' 5 + 'a@b' 3 = 8)
    const base = { tier: 'gold', since: '2020', email: 'a@b' };
    changes(itemOf(100, base), itemOf(100, base, 'y')); // only data changed: not projected
    await setData(100);
    // table: 14 + 8 + 9 + 8 + 104 = 143 B → 1; no index write.
    expect(meter.bill).toMatchObject({ writeUnits: 1, indexWriteUnits: 0 });

    meter.reset();
    phase = 'before';
    seed(after, itemOf(100, { ...base, email: 'c@d' }));
    await update({ UpdateExpression: 'SET email = :e', ExpressionAttributeValues: { ':e': 'c@d' } });
    // table 1 + byTier entry (14 + 8 + 9 + 8 = 39 B) rewritten → 1.
    expect(meter.bill).toMatchObject({ writeUnits: 2, indexWriteUnits: 1, byIndex: { 'main/byTier': 1 } });
  });

  it('an item entering a sparse index is an index put', async () => {
    changes(itemOf(100), itemOf(100, { valueBucket: 'b', value: 120 })); // 118 B, in no index → 137 B
    await update({
      UpdateExpression: 'SET valueBucket = :b, #v = :v',
      ExpressionAttributeNames: { '#v': 'value' },
      ExpressionAttributeValues: { ':b': 'b', ':v': 120 },
    });
    // table max(118, 137) → 1; byValue put of the 137 B entry → 1.
    expect(meter.bill).toMatchObject({
      tableWriteUnits: 1,
      indexWriteUnits: 1,
      writeUnits: 2,
      byIndex: { 'main/byValue': 1 },
    });
  });

  it('a delete costs the old item and removes its index entries', async () => {
    seed(before, itemOf(1522, { valueBucket: 'b', value: 120 })); // 14 + 12 + 7 + 1526 = 1559 B → 2
    await doc.send(new DeleteCommand({ TableName: TABLE, Key: key }));
    // table 2 + byValue delete of the ALL entry (1559 B) → 2.
    expect(meter.bill).toMatchObject({ tableWriteUnits: 2, indexWriteUnits: 2, writeUnits: 4 });
  });

  it('an unchanged item bills the table write only', async () => {
    const item = itemOf(100, { valueBucket: 'b', value: 120 }); // 137 B
    seed(before, item);
    await put({ ...item, value: 120.0 });
    expect(meter.bill).toMatchObject({ tableWriteUnits: 1, indexWriteUnits: 0 });
  });

  it('a failed conditional write is billed on the existing item, and counted', async () => {
    seed(before, itemOf(1522, { valueBucket: 'b', value: 120 })); // 1559 B → 2
    response = fail('ConditionalCheckFailedException');
    await expect(put(itemOf(10), { ConditionExpression: 'attribute_not_exists(pk)' })).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    // table ceil(1559/1024) = 2, no index write.
    expect(meter.bill).toMatchObject({
      writeUnits: 2,
      tableWriteUnits: 2,
      indexWriteUnits: 0,
      failedConditions: 1,
    });
  });

  it('a failed condition on a missing item costs 1', async () => {
    response = fail('ConditionalCheckFailedException');
    await expect(
      update({
        UpdateExpression: 'SET a = :a',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':a': 1 },
      }),
    ).rejects.toThrow();
    expect(meter.bill).toMatchObject({ writeUnits: 1, failedConditions: 1 });
  });

  it('a cancelled transaction bills every item twice on its existing size', async () => {
    seed(before, profileOf('c#2', 1522)); // 1540 B → 2
    response = fail('TransactionCanceledException', {
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      ],
    });
    await expect(
      transactWrite(
        { Put: { TableName: TABLE, Item: itemOf(100, { valueBucket: 'b', value: 1 }) } },
        {
          Update: {
            TableName: TABLE,
            Key: { pk: 'c#2', sk: 'profile' },
            UpdateExpression: 'SET a = :a',
            ConditionExpression: 'a < :a',
            ExpressionAttributeValues: { ':a': 1 },
          },
        },
      ),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    // put of a new item: 2 × 1 (minimum); update: 2 × ceil(1540/1024) = 4; no index writes.
    expect(meter.bill).toMatchObject({
      writeUnits: 6,
      tableWriteUnits: 6,
      indexWriteUnits: 0,
      transactions: 1,
      failedConditions: 1,
    });
  });

  it('other errors bill nothing', async () => {
    response = fail('ValidationException');
    await expect(put(itemOf(10))).rejects.toThrow();
    expect(meter.bill).toMatchObject({ writeUnits: 0, failedConditions: 0 });
  });

  it('a batch write bills only the processed items', async () => {
    const items = ['c#1', 'c#2', 'c#3'].map((pk) => profileOf(pk, 282)); // 300 B each
    response = {
      status: 200,
      json: { UnprocessedItems: { [TABLE]: [{ PutRequest: { Item: marshall(items[1]) } }] } },
    };
    seed(before, profileOf('c#9', 1522)); // 1540 B, deleted → 2
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            ...items.map((Item) => ({ PutRequest: { Item } })),
            { DeleteRequest: { Key: { pk: 'c#9', sk: 'profile' } } },
          ],
        },
      }),
    );
    // c#1 and c#3: 1 each; c#2 unprocessed: 0; the delete of 1540 B: 2 → 4.
    expect(meter.bill).toMatchObject({ writeUnits: 4, byOperation: { BatchWriteItem: 4 } });
  });

  it('a transaction can leave index writes single', async () => {
    const single = billingMeter(shapes, raw, { doubleIndexWritesInTransactions: false });
    const client = stubbedClient();
    client.middlewareStack.use(single.plugin);
    await DynamoDBDocumentClient.from(client).send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: TABLE, Item: itemOf(100, { valueBucket: 'b', value: 120 }) } }],
      }),
    );
    // table 2 × 1, byValue put 1 × 1.
    expect(single.bill).toMatchObject({ tableWriteUnits: 2, indexWriteUnits: 1, writeUnits: 3 });
  });

  it('refuses a table it has no shape for', async () => {
    await expect(doc.send(new PutCommand({ TableName: 'other', Item: itemOf(10) }))).rejects.toThrow(
      /no TableShape/,
    );
  });
});

describe('billingMeter reads', () => {
  it('an eventually consistent GetItem costs half a unit, a consistent one 1 per 4 KB', async () => {
    const item = marshall(itemOf(4982)); // 5000 B
    response = { status: 200, json: { Item: item } };
    await get(); // ceil(5000/4096) = 2 × 0.5 = 1
    await get({ ConsistentRead: true }); // 2
    response = { status: 200, json: {} };
    await get(); // missing: minimum 0.5
    expect(meter.bill).toMatchObject({ readUnits: 3.5, writeUnits: 0, byOperation: { GetItem: 3.5 } });
  });

  it('a projected GetItem is billed on the whole item', async () => {
    seed(after, itemOf(4982)); // 5000 B, read again after the request
    response = { status: 200, json: { Item: marshall({ data: 'x' }) } };
    await get({
      ProjectionExpression: '#d',
      ExpressionAttributeNames: { '#d': 'data' },
      ConsistentRead: true,
    });
    expect(meter.bill.readUnits).toBe(2); // ceil(5000/4096)
  });

  it('a BatchGetItem bills each processed key, a TransactGetItems twice', async () => {
    const k = (pk: string) => ({ pk, sk: 'profile' });
    response = {
      status: 200,
      json: {
        Responses: { [TABLE]: [marshall({ ...k('c#1'), data: 'x'.repeat(4982) })] }, // 5000 B
        UnprocessedKeys: { [TABLE]: { Keys: [marshall(k('c#3'))] } },
      },
    };
    await doc.send(
      new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: [k('c#1'), k('c#2'), k('c#3')] } } }),
    );
    // c#1: ceil(5000/4096) = 2 × 0.5 = 1; c#2 missing: 0.5; c#3 unprocessed: 0.
    expect(meter.bill.byOperation.BatchGetItem).toBe(1.5);
    // Read units by the kind of item each key names.
    expect(meter.bill.readsByKind).toEqual({ [meter.classify('c#1', 'profile')]: 1.5 });

    response = { status: 200, json: { Responses: [{ Item: marshall(itemOf(282)) }] } }; // 300 B
    await doc.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key } }] }));
    // 2 × ceil(300/4096) = 2
    expect(meter.bill.byOperation.TransactGetItems).toBe(2);
    expect(meter.bill.readUnits).toBe(3.5);
  });

  it('a Query sums the items then rounds once', async () => {
    // three items of 1500 B = 4500 B → ceil(4500/4096) = 2, eventually consistent → 1
    const items = events1500();
    expect(itemSize(items[0])).toBe(1500); // pk 5 + sk ('sk' 2 + 'e#a' 3) + data (4 + 1486)
    response = { status: 200, json: { Items: items, Count: 3 } };
    await doc.send(
      new DocQueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'c#1' },
      }),
    );
    expect(meter.bill.readUnits).toBe(1);
    // Named by its partition and the first item's sort key, as writes are by their keys.
    expect(meter.bill.readsByKind).toEqual({ [meter.classify('c#1', 'e#a')]: 1 });
    expect(meter.bill.requests).toEqual({ Query: 1 });
  });

  it('a filtered Query is billed on the items its key condition read', async () => {
    const read = events1500();
    rawMock.on(QueryCommand).resolves({ Items: read });
    response = { status: 200, json: { Items: [], Count: 0, ScannedCount: 3 } };
    await doc.send(
      new DocQueryCommand({
        TableName: TABLE,
        KeyConditionExpression: '#p = :p',
        FilterExpression: '#k = :k',
        ProjectionExpression: '#p',
        ExpressionAttributeNames: { '#p': 'pk', '#k': 'kind' },
        ExpressionAttributeValues: { ':p': 'c#1', ':k': 'order' },
        ConsistentRead: true,
      }),
    );
    // 4500 B read → 2 (strongly consistent)
    expect(meter.bill.readUnits).toBe(2);
    const [call] = rawMock.commandCalls(QueryCommand);
    expect(call?.args[0].input).toMatchObject({
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'pk' },
      ExpressionAttributeValues: { ':p': { S: 'c#1' } },
    });
    expect(call?.args[0].input.FilterExpression).toBeUndefined();
    expect(call?.args[0].input.ProjectionExpression).toBeUndefined();
  });
});
