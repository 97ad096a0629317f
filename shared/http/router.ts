import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.js';
import type { CredentialScheme } from './credentials.js';
import type { HttpResult } from './responses.js';
import { json } from './responses.js';

export interface RouteContext {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
}

export interface Route<Ctx> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/v1/customers/{id}`: braces name a path parameter. */
  path: string;
  /** Public routes skip authentication (health, OpenAPI). */
  public?: boolean;
  /** How the route accepts an API key; `bearer` unless said otherwise. */
  credentials?: CredentialScheme;
  run: (ctx: Ctx & RouteContext) => Promise<HttpResult>;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith('{') && w.endsWith('}')) params[w.slice(1, -1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return params;
}

/**
 * Finds the route for a request and runs it. `authorize` turns a request into the caller's context
 * (the shop), by the route's credential scheme, and is skipped for public routes; a wrong method on
 * a known path is a 405.
 */
export function router<Ctx>(
  routes: Array<Route<Ctx>>,
  authorize: (event: APIGatewayProxyEventV2, credentials: CredentialScheme) => Promise<Ctx>,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    const candidates = routes.flatMap((route) => {
      const params = match(route.path, path);
      return params ? [{ route, params }] : [];
    });
    const found = candidates.find((c) => c.route.method === method);
    if (!found) {
      if (candidates.length > 0) {
        return json(405, { error: 'method_not_allowed', allow: candidates.map((c) => c.route.method) });
      }
      throw new NotFoundError(`route ${method} ${path}`);
    }
    const ctx = found.route.public
      ? ({} as Ctx)
      : await authorize(event, found.route.credentials ?? 'bearer');
    return found.route.run({ ...ctx, event, params: found.params });
  };
}
