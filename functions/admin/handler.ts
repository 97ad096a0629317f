import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { UnauthorizedError } from '../../shared/domain/errors.js';
import { httpErrors, json, jsonBody } from '../../shared/http/responses.js';
import { type Route, router } from '../../shared/http/router.js';
import { observability } from '../../shared/observability.js';
import { addKey, addShop, listKeys, listShops, revokeKey } from '../../shared/use-cases/shops/shop-admin.js';

const { logger, tracer } = observability('admin');
const config = loadConfig();
const store = new DynamoShopStore(
  createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
  config.TABLE_NAME,
);

type Operator = { operator: string };

const routes: Array<Route<Operator>> = [
  {
    method: 'POST',
    path: '/admin/shops',
    run: async ({ event }) => json(201, await addShop(store, jsonBody(event), now())),
  },
  { method: 'GET', path: '/admin/shops', run: async () => json(200, await listShops(store)) },
  {
    method: 'GET',
    path: '/admin/shops/{shopId}/keys',
    run: async ({ params }) => json(200, await listKeys(store, params.shopId as string)),
  },
  {
    method: 'POST',
    path: '/admin/shops/{shopId}/keys',
    run: async ({ params }) => json(201, await addKey(store, params.shopId as string, now())),
  },
  {
    method: 'DELETE',
    path: '/admin/shops/{shopId}/keys/{prefix}',
    run: async ({ params }) =>
      json(200, await revokeKey(store, params.shopId as string, params.prefix as string, now())),
  },
];

/**
 * API Gateway's IAM authorizer has checked the SigV4 signature before the request arrives; the
 * handler still refuses a request that did not pass through it (a misconfigured route).
 */
async function operatorOf(event: APIGatewayProxyEventV2): Promise<Operator> {
  const iam = (event.requestContext as { authorizer?: { iam?: { userArn?: string } } }).authorizer?.iam;
  if (!iam?.userArn) throw new UnauthorizedError('admin routes need an IAM-signed request');
  logger.appendKeys({ operator: iam.userArn });
  return { operator: iam.userArn };
}

export const handler = middy(router(routes, operatorOf))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrors(logger));
