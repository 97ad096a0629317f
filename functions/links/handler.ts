import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { linkSettingsOf, sendingStores } from '../../shared/adapters/sending-deps.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { observability } from '../../shared/observability.js';
import { checkUnsubscribe, followClick, unsubscribe } from '../../shared/use-cases/sending/tracking.js';

const { logger, tracer } = observability('links');
const config = loadConfig();
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const stores = sendingStores(doc, config.TABLE_NAME, now);
const deps = {
  records: stores.records,
  customerEvents: stores.customerEvents,
  sending: stores.sending,
  secrets: linkSettingsOf(config).secrets,
  clock: now,
};

const escapeHtml = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c] ?? c,
  );

function page(status: number, title: string, body: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'referrer-policy': 'no-referrer',
    },
    body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32em;margin:3em auto">${body}</body></html>`,
  };
}

const gone = () =>
  page(400, 'Link not valid', '<p>This link is not valid or has expired.</p><p>此链接无效或已过期。</p>');

/** Public routes of links in messages: `GET /r` (click redirect), `GET /u` (confirm), `POST /u` (unsubscribe, RFC 8058). */
async function route(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  // Only the query matters to the links; the host is a placeholder.
  const url = `https://links.invalid${event.rawPath}?${event.rawQueryString}`;
  const method = event.requestContext.http.method;
  if (event.rawPath === '/r' && method === 'GET') {
    const click = await followClick(deps, url);
    if (!click.ok) {
      logger.info('Click refused', { reason: click.reason });
      return gone();
    }
    return { statusCode: 302, headers: { location: click.location, 'cache-control': 'no-store' }, body: '' };
  }
  if (event.rawPath === '/u' && method === 'GET') {
    const link = checkUnsubscribe(deps, url);
    if (!link.ok) return gone();
    const action = `/u?${escapeHtml(event.rawQueryString)}`;
    return page(
      200,
      'Unsubscribe',
      `<p>Stop receiving these ${link.channel === 'sms' ? 'text messages' : 'emails'}? / 不再接收此类消息？</p><form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe / 退订</button></form>`,
    );
  }
  if (event.rawPath === '/u' && method === 'POST') {
    const done = await unsubscribe(deps, url);
    if (!done.ok) return gone();
    if (done.preview)
      return page(
        200,
        'Preview',
        '<p>This link is in a preview: nobody was unsubscribed.</p><p>这是预览中的链接：未退订任何人。</p>',
      );
    logger.info('Unsubscribed', { shopId: done.shopId, channel: done.channel, purpose: done.purpose });
    return page(200, 'Unsubscribed', '<p>You are unsubscribed.</p><p>您已退订。</p>');
  }
  return { statusCode: 404, body: '' };
}

export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true }));
