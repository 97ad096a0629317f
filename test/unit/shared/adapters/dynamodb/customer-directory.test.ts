import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoCustomerDirectory } from '../../../../../shared/adapters/dynamodb/customer-directory.js';
import { keys } from '../../../../../shared/adapters/dynamodb/keys.js';

const doc = mockClient(DynamoDBDocumentClient);
const directory = new DynamoCustomerDirectory(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'data');

beforeEach(() => doc.reset());

const entry = (customerId: string, aovMinor: number) => ({
  ...keys.customer('tea', customerId),
  ...keys.value('tea', customerId, aovMinor),
});

describe('the customer directory', () => {
  it('reads a shard of the byValue index, keys only, and goes on from the last key it read', async () => {
    const a = entry('alice', 0);
    const b = entry('bob', 7_900);
    const shard = Number(a.gsi2pk.split('#').at(-1));
    doc
      .on(QueryCommand)
      .resolvesOnce({ Items: [a, b], LastEvaluatedKey: b })
      .resolvesOnce({ Items: [] });
    const first = await directory.customerIds('tea', shard, { limit: 2 });
    expect(first.customerIds).toEqual(['alice', 'bob']);
    expect(first.cursor).toBeDefined();
    await directory.customerIds('tea', shard, { limit: 2, cursor: first.cursor });
    const [one, two] = doc.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(one).toMatchObject({
      IndexName: 'byValue',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': a.gsi2pk },
      Limit: 2,
    });
    expect(one?.ExclusiveStartKey).toBeUndefined();
    expect(two?.ExclusiveStartKey).toEqual({ pk: b.pk, sk: b.sk, gsi2pk: a.gsi2pk, gsi2sk: b.gsi2sk });
  });

  it('ends a shard with no cursor, and refuses a cursor naming another shop', async () => {
    doc.on(QueryCommand).resolves({ Items: [entry('alice', 0)] });
    expect(await directory.customerIds('tea', 0, { limit: 200 })).toEqual({ customerIds: ['alice'] });
    const stray = Buffer.from(JSON.stringify([keys.customer('other', 'x').pk, 'PROFILE', '000#x'])).toString(
      'base64url',
    );
    await expect(directory.customerIds('tea', 0, { limit: 200, cursor: stray })).rejects.toThrow(
      'another shop',
    );
    await expect(directory.customerIds('tea', 0, { limit: 200, cursor: 'garbage' })).rejects.toThrow(
      'not a customer directory cursor',
    );
  });
});
