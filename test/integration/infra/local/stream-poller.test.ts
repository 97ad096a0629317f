import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, localClient } from '../../../../infra/local/dynamodb-local.js';
import { StreamPoller } from '../../../../infra/local/stream-poller.js';
import { dataTable, type StreamTrigger } from '../../../../infra/wiring.js';
import { createDocumentClient } from '../../../../shared/adapters/dynamodb/client.js';
import { stack, useStackDynamoDb } from '../../../support/api.js';

/** The local stream poller, each case on a table of its own, with a trigger set here rather than read from the wiring. */
const trigger: StreamTrigger = {
  kind: 'dynamodbStream',
  table: dataTable,
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 2,
  filter: { eventName: 'INSERT', sortKeyPrefix: 'EV#', unlessAttribute: 'appliedBy' },
};
const workDir = mkdtempSync(join(tmpdir(), 'huitou-poller-'));
const pollers: StreamPoller[] = [];

const idOf = (record: DynamoDBStreamEvent['Records'][number]) => String(record.dynamodb?.Keys?.pk?.S);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => useStackDynamoDb());
afterAll(() => Promise.all(pollers.map((p) => p.stop())));

/** A fresh table and a poller on it (not started). */
async function pollerOn(
  options: Partial<StreamTrigger>,
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>,
) {
  const tableName = `poller-test-${randomUUID().slice(0, 8)}`;
  const dynamodb = localClient(stack().dynamodbEndpoint);
  await createTables(dynamodb, [{ def: dataTable, name: tableName }]);
  const failureFile = join(workDir, `${tableName}-failures.jsonl`);
  const poller = new StreamPoller({
    tableName,
    trigger: { ...trigger, ...options },
    dynamodb,
    streams: new DynamoDBStreamsClient({ endpoint: stack().dynamodbEndpoint }),
    handler,
    failureFile,
    log: () => undefined,
  });
  pollers.push(poller);
  const put = (pk: string, sk: string, extra: Record<string, unknown> = {}) =>
    createDocumentClient().send(new PutCommand({ TableName: tableName, Item: { pk, sk, ...extra } }));
  return { poller, put, failureFile };
}

/** Waits for a condition, as long as the test's own timeout allows: no bound on the machine's speed. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(50);
}

describe('local stream poller', () => {
  it('delivers only what the filter passes, retries from the failed record, then parks the batch and goes on', async () => {
    const delivered: string[] = [];
    const { poller, put, failureFile } = await pollerOn({}, async ({ Records }) => {
      delivered.push(...Records.map(idOf));
      const poison = Records.find((r) => idOf(r).startsWith('poison'));
      return { batchItemFailures: poison ? [{ itemIdentifier: poison.dynamodb?.SequenceNumber ?? '' }] : [] };
    });
    await put('a', 'EV#1');
    await put('profile', 'PROFILE');
    await put('applied', 'EV#2', { appliedBy: 'stream' });
    await put('poison', 'EV#3');
    await put('b', 'EV#4');
    // Started after the writes, the poller reads all five records at once (from the stream's start).
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

    await put('c', 'EV#5');
    await poller.drain();
    expect(delivered.at(-1)).toBe('c');
    expect(delivered.filter((id) => id === 'a')).toHaveLength(1);
  });

  it('gathers records written in bursts into one batch until the batch is full', async () => {
    const batches: string[][] = [];
    // A window that never passes here: only a full batch (or a drain) hands records over.
    const { poller, put } = await pollerOn(
      { batchSize: 9, maxBatchingWindowSeconds: 3600 },
      async ({ Records }) => {
        batches.push(Records.map(idOf));
        return { batchItemFailures: [] };
      },
    );
    await poller.start();
    for (const burst of [1, 2, 3]) {
      for (const n of [1, 2, 3]) if (burst * 10 + n !== 33) await put(`e${burst}${n}`, `EV#${burst}${n}`);
      await sleep(200);
    }
    // Eight records read, however slowly: none handed over yet.
    expect(batches).toEqual([]);
    await put('e33', 'EV#33');
    await until(() => batches.length > 0);
    expect(batches).toEqual([['e11', 'e12', 'e13', 'e21', 'e22', 'e23', 'e31', 'e32', 'e33']]);
  });

  it('hands over what it gathered once the window has passed', async () => {
    const batches: string[][] = [];
    const { poller, put } = await pollerOn(
      { batchSize: 1000, maxBatchingWindowSeconds: 1 },
      async ({ Records }) => {
        batches.push(Records.map(idOf));
        return { batchItemFailures: [] };
      },
    );
    for (const id of ['w1', 'w2', 'w3']) await put(id, `EV#${id}`);
    await poller.start();
    // Far from a full batch, the records still go: the window, not the size, sent them.
    await until(() => batches.flat().length === 3);
    expect(batches.flat()).toEqual(['w1', 'w2', 'w3']);
  });

  it('hands over a full batch without waiting for the window, and a drain does not wait for it either', async () => {
    const batches: string[][] = [];
    const { poller, put } = await pollerOn(
      { batchSize: 3, maxBatchingWindowSeconds: 3600 },
      async ({ Records }) => {
        batches.push(Records.map(idOf));
        return { batchItemFailures: [] };
      },
    );
    for (const id of ['a', 'b', 'c', 'd']) await put(id, `EV#${id}`);
    await poller.start();
    await until(() => batches.length > 0);
    expect(batches).toEqual([['a', 'b', 'c']]);
    // 'd' waits for two more records or an hour; a drain hands it over now (or the test times out).
    await poller.drain();
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
