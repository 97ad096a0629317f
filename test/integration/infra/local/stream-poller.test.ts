import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, localClient } from '../../../../infra/local/dynamodb-local.js';
import { StreamPoller } from '../../../../infra/local/stream-poller.js';
import { dataTable, functions, type StreamTrigger } from '../../../../infra/wiring.js';
import { createDocumentClient } from '../../../../shared/adapters/dynamodb/client.js';
import { stack, useStackDynamoDb } from '../../../support/api.js';

/** The local stream poller on a table of its own, with a handler that cannot process one record. */
const tableName = `poller-test-${randomUUID().slice(0, 8)}`;
const failureFile = join(mkdtempSync(join(tmpdir(), 'huitou-poller-')), 'stream-failures.jsonl');
const wired = functions.find((f) => f.name === 'stream')?.trigger as StreamTrigger;
const delivered: string[] = [];
let poller: StreamPoller;

const idOf = (record: DynamoDBStreamEvent['Records'][number]) => String(record.dynamodb?.Keys?.pk?.S);

beforeAll(async () => {
  useStackDynamoDb();
  const dynamodb = localClient(stack().dynamodbEndpoint);
  await createTables(dynamodb, [{ def: dataTable, name: tableName }]);
  poller = new StreamPoller({
    tableName,
    trigger: { ...wired, retryAttempts: 2 },
    dynamodb,
    streams: new DynamoDBStreamsClient({ endpoint: stack().dynamodbEndpoint }),
    handler: async ({ Records }) => {
      delivered.push(...Records.map(idOf));
      const poison = Records.find((r) => idOf(r).startsWith('poison'));
      return { batchItemFailures: poison ? [{ itemIdentifier: poison.dynamodb?.SequenceNumber ?? '' }] : [] };
    },
    failureFile,
    log: () => undefined,
  });
});

afterAll(() => poller.stop());

async function put(pk: string, sk: string) {
  await createDocumentClient().send(new PutCommand({ TableName: tableName, Item: { pk, sk } }));
}

describe('local stream poller', () => {
  it('delivers only what the filter passes, retries from the failed record, then parks the batch and goes on', async () => {
    await put('a', 'EV#a');
    await put('profile', 'PROFILE');
    await put('poison', 'EV#poison');
    await put('b', 'EV#b');
    // Started after the writes, the poller reads all four records at once (from the stream's start).
    await poller.start();
    await poller.drain();

    // First attempt: the whole batch; then twice more from the poison record on (retryAttempts: 2).
    expect(delivered).toEqual(['a', 'poison', 'b', 'poison', 'b', 'poison', 'b']);
    const parked = readFileSync(failureFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(parked).toHaveLength(1);
    expect(parked[0].records.map(idOf)).toEqual(['poison', 'b']);

    await put('c', 'EV#c');
    await poller.drain();
    expect(delivered.at(-1)).toBe('c');
    expect(delivered.filter((id) => id === 'a')).toHaveLength(1);
  });
});
