import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { chunk } from '../../domain/collections.js';

type Key = { pk: string; sk: string };

/** A write refused because its condition did not hold (alone or inside a transaction). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException;
}

/** Runs a conditional write: true when it was written, false when its condition did not hold. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

export interface BatchGetOptions {
  /** Attributes to return (the read is billed on the whole item all the same). */
  projection?: { expression: string; names?: Record<string, string> };
  /** Strongly consistent unless said otherwise: an eventually consistent read costs half. */
  consistent?: boolean;
  /** Told the read units each call consumed, when a caller counts them. */
  onCapacity?: (units: number) => void;
}

/** The read units of a response's ConsumedCapacity (one entry or a list). */
export const capacityUnits = (consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number =>
  [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

/** BatchGetItem over any number of keys, retrying what DynamoDB leaves unprocessed. */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keyList: Key[],
  options: BatchGetOptions = {},
): Promise<Array<Record<string, unknown>>> {
  const unique = [...new Map(keyList.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const { projection, consistent = true, onCapacity } = options;
  const parts = await Promise.all(
    chunk(unique, 100).map(async (part) => {
      const items: Array<Record<string, unknown>> = [];
      let request: BatchGetCommandInput['RequestItems'] = {
        [tableName]: {
          Keys: part,
          ConsistentRead: consistent,
          ProjectionExpression: projection?.expression,
          ExpressionAttributeNames: projection?.names,
        },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out: BatchGetCommandOutput = await doc.send(
          new BatchGetCommand({
            RequestItems: request,
            ...(onCapacity && { ReturnConsumedCapacity: 'TOTAL' }),
          }),
        );
        items.push(...(out.Responses?.[tableName] ?? []));
        onCapacity?.(capacityUnits(out.ConsumedCapacity));
        request = out.UnprocessedKeys;
      }
      return items;
    }),
  );
  return parts.flat();
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

/** BatchWriteItem over any number of requests, 25 to a call, a few calls at once, retrying the unprocessed. */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
): Promise<void> {
  await Promise.all(
    chunk(requests, 25).map(async (part) => {
      let pending: WriteRequest[] | undefined = part;
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = out.UnprocessedItems?.[tableName] as WriteRequest[] | undefined;
      }
    }),
  );
}

export function batchPut(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: Array<Record<string, unknown>>,
) {
  return batchWrite(
    doc,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

export function batchDelete(doc: DynamoDBDocumentClient, tableName: string, keyList: Key[]) {
  return batchWrite(
    doc,
    tableName,
    keyList.map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } })),
  );
}

/** Every page of a query, one after another. */
export async function* queryPages(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncIterable<Array<Record<string, unknown>>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  for await (const page of queryPages(doc, input)) items.push(...page);
  return items;
}
