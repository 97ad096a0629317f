import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { SesTenants } from '../../shared/adapters/ses/tenants.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { UnauthorizedError } from '../../shared/domain/errors.js';
import { httpErrors, json, jsonBody } from '../../shared/http/responses.js';
import { type Route, router } from '../../shared/http/router.js';
import { observability } from '../../shared/observability.js';
import { type SenderTenants, withoutSenderTenants } from '../../shared/ports/sending/sender-tenants.js';
import {
  addKey,
  addShop,
  ensureShopTenant,
  listKeys,
  listShops,
  revokeKey,
} from '../../shared/use-cases/shops/shop-admin.js';

const { logger, tracer } = observability('admin');
const config = loadConfig();
const store = new DynamoShopStore(
  createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))),
  config.TABLE_NAME,
);

/**
 * Each shop's SES tenant where the deployment sends as tenants (SES_TENANTS=true, on AWS); where it
 * does not (locally: the emulator has no tenant API), shops are made without one.
 */
function senderTenants(): SenderTenants {
  if (config.SES_TENANTS !== 'true') return withoutSenderTenants;
  const resourceArns = (config.SES_TENANT_RESOURCES ?? '').split(',').filter(Boolean);
  const reputationPolicy = config.SES_REPUTATION_POLICY;
  if (resourceArns.length === 0 || !reputationPolicy)
    throw new Error('SES_TENANTS=true needs SES_TENANT_RESOURCES and SES_REPUTATION_POLICY');
  return new SesTenants(tracer.captureAWSv3Client(new SESv2Client({})), { resourceArns, reputationPolicy });
}
const tenants = senderTenants();

type Operator = { operator: string };

const routes: Array<Route<Operator>> = [
  {
    method: 'POST',
    path: '/admin/shops',
    run: async ({ event }) => json(201, await addShop(store, tenants, jsonBody(event), now())),
  },
  {
    method: 'POST',
    path: '/admin/shops/{shopId}/tenant',
    run: async ({ params }) => json(200, await ensureShopTenant(store, tenants, params.shopId as string)),
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
