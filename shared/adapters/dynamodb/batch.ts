import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { chunk } from '../../domain/collections.js';

/** BatchGetItem over any number of keys, retrying what DynamoDB leaves unprocessed. */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keyList: Array<{ pk: string; sk: string }>,
): Promise<Array<Record<string, unknown>>> {
  const unique = [...new Map(keyList.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const items: Array<Record<string, unknown>> = [];
  for (const part of chunk(unique, 100)) {
    let request:
      | Record<string, { Keys: Array<Record<string, unknown>>; ConsistentRead?: boolean }>
      | undefined = {
      [tableName]: { Keys: part, ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await doc.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(out.Responses?.[tableName] ?? []));
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return items;
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
