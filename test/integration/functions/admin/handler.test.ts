import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, stack, useStackDynamoDb } from '../../../support/api.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

beforeAll(async () => {
  useStackDynamoDb({ TABLE_NAME: stack().tableName });
  ({ handler } = (await import('../../../../functions/admin/handler.js')) as { handler: Handler });
});

/** A request as API Gateway hands it over; `signedBy` is what its IAM authorizer adds for a SigV4 caller. */
async function admin(
  method: string,
  path: string,
  body?: unknown,
  signedBy: string | null = 'arn:aws:iam::123456789012:user/ops',
) {
  const event = {
    version: '2.0',
    routeKey: 'ANY /admin/{proxy+}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      ...(signedBy ? { authorizer: { iam: { userArn: signedBy, accountId: '123456789012' } } } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const result = await handler(event, {
    functionName: 'huitou-admin',
    awsRequestId: randomUUID(),
  } as Context);
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
}

describe('admin routes', () => {
  it('refuse a request that did not come through the IAM authorizer', async () => {
    expect((await admin('GET', '/admin/shops', undefined, null)).status).toBe(401);
  });

  it('create a shop whose key opens the API, list it, rotate and revoke keys', async () => {
    const shopId = `adm-${randomUUID().slice(0, 8)}`;
    const created = await admin('POST', '/admin/shops', {
      name: 'Admin Tea',
      shopId,
      rateLimitPerSecond: 20,
    });
    expect(created.status).toBe(201);
    // Locally the deployment sends without SES tenants (SES_TENANTS=false): the shop is told it has none.
    expect(created.body.tenant).toBeNull();
    expect(await admin('POST', `/admin/shops/${shopId}/tenant`)).toEqual({
      status: 200,
      body: { shopId, tenant: null },
    });
    expect((await admin('POST', '/admin/shops/no-such-shop/tenant')).status).toBe(404);
    const first = { shopId, apiKey: created.body.apiKey as string };
    expect((await call(first, 'GET', '/v1/customers/nobody')).status).toBe(404);

    expect((await admin('POST', '/admin/shops', { name: 'Again', shopId })).status).toBe(409);
    expect((await admin('GET', '/admin/shops')).body).toContainEqual({ shopId, name: 'Admin Tea' });

    const rotated = await admin('POST', `/admin/shops/${shopId}/keys`);
    expect(rotated.status).toBe(201);
    const second = { shopId, apiKey: rotated.body.apiKey as string };
    const keys = (await admin('GET', `/admin/shops/${shopId}/keys`)).body as Array<{ prefix: string }>;
    expect(keys).toHaveLength(2);
    expect(JSON.stringify(keys)).not.toContain(first.apiKey);
    expect(JSON.stringify(keys)).not.toMatch(/hash/);

    const oldPrefix = keys.find((k) => first.apiKey.startsWith(k.prefix))?.prefix as string;
    expect((await admin('DELETE', `/admin/shops/${shopId}/keys/${oldPrefix}`)).body).toEqual({
      revoked: oldPrefix,
    });
    expect((await call(first, 'GET', '/v1/customers/nobody')).status).toBe(401);
    expect((await call(second, 'GET', '/v1/customers/nobody')).status).toBe(404);
    expect((await admin('DELETE', `/admin/shops/${shopId}/keys/${oldPrefix}`)).status).toBe(404);
  });

  it('answer bad input with the field, and an unknown shop with 404', async () => {
    const bad = await admin('POST', '/admin/shops', { name: '', shopId: 'Not Valid', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['(root)', 'name', 'shopId']);
    expect((await admin('GET', '/admin/shops/no-such-shop/keys')).status).toBe(404);
    expect((await admin('POST', '/admin/shops/no-such-shop/keys')).status).toBe(404);
  });
});
