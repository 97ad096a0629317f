import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Pluggable } from '@smithy/types';

/**
 * Plugins every DynamoDB client of this process is built with. Empty in production; a process that
 * hosts the handlers (the benchmark) adds its own, such as a meter of billed write units, before the
 * handlers are loaded.
 */
// biome-ignore lint/suspicious/noExplicitAny: the SDK's plugin type is generic over every command's input and output
export const dynamoClientPlugins: Array<Pluggable<any, any>> = [];

/** One document client per module instance; endpoints come from AWS_ENDPOINT_URL_DYNAMODB when set. */
export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  for (const plugin of dynamoClientPlugins) client.middlewareStack.use(plugin);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
