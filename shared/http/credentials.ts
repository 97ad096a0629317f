import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bodyText, maxBodyBytes } from './responses.js';

/**
 * How a route accepts a shop's API key. `bearer` is huitou's own: `Authorization: Bearer <key>`.
 * `write-key` adds what Segment and RudderStack libraries send as-is: HTTP Basic with the key as
 * the user name, or a `writeKey` field in the JSON body when there is no Authorization header.
 */
export type CredentialScheme = 'bearer' | 'write-key';

type Request = Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>;

/** The user name of HTTP Basic credentials (RFC 7617); the password is ignored, as Segment does. */
function basicUser(token: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function bodyWriteKey(request: Request): string | undefined {
  const text = bodyText(request);
  // Unauthenticated input: parse only what a route would accept anyway, and never fail loudly.
  if (text === '' || Buffer.byteLength(text) > maxBodyBytes) return undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const key = (body as { writeKey?: unknown }).writeKey;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The API key a request presents, unchecked, or undefined when it presents none in a form the route
 * accepts. Whether the key is any good is for `authenticate` to say, so every failure looks the same.
 */
export function presentedApiKey(request: Request, scheme: CredentialScheme): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    // A header, once present, is the only credential looked at: a body cannot override a bad one.
    const match = /^([A-Za-z]+) +(\S+)$/.exec(authorization.trim());
    const kind = match?.[1]?.toLowerCase();
    const token = match?.[2];
    if (!token) return undefined;
    if (kind === 'bearer') return token;
    if (kind === 'basic' && scheme === 'write-key') return basicUser(token);
    return undefined;
  }
  return scheme === 'write-key' ? bodyWriteKey(request) : undefined;
}
