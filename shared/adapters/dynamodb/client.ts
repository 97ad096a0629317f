import { type ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Capacity consumed by this process's DynamoDB requests, counted only when HUITOU_MEASURE_CAPACITY
 * is set (`npm run bench` sets it to report write units per event); otherwise requests are unchanged.
 */
export const consumedCapacity = { read: 0, write: 0 };

/** By the low-level command name, which document-client commands also carry. */
const capacityKinds: Record<string, 'read' | 'write'> = {
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
  GetItem: 'read',
  BatchGetItem: 'read',
  TransactGetItems: 'read',
  Query: 'read',
  Scan: 'read',
};

function meterCapacity(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const kind = capacityKinds[String(context.commandName).replace(/Command$/, '')];
      if (!kind) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const reported = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      for (const c of [reported ?? []].flat()) consumedCapacity[kind] += c.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'huitouCapacityMeter' },
  );
}

/** One document client per module instance; endpoints come from AWS_ENDPOINT_URL_DYNAMODB when set. */
export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  if (process.env.HUITOU_MEASURE_CAPACITY) meterCapacity(client);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
