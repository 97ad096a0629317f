import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import {
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from '../domain/errors.js';
import { issuesOf } from '../domain/validation.js';

export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export const maxBodyBytes = 1024 * 1024;

/** The request body as text, decoded when API Gateway passed it base64-encoded; '' when there is none. */
export function bodyText(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The request body as JSON, within the size limit; malformed JSON is a 400 like any other bad input. */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = bodyText(event);
  if (Buffer.byteLength(raw) > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  if (raw.trim() === '') throw new ValidationError([{ path: '(body)', message: 'a JSON body is required' }]);
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ValidationError([{ path: '(body)', message: `malformed JSON: ${(error as Error).message}` }]);
  }
}

/** The one place domain errors become HTTP statuses. Unknown errors are logged and answered 500. */
export function httpErrors(logger: Logger): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof ValidationError)
        request.response = json(400, { error: 'invalid_request', issues: error.issues });
      else if (error instanceof UnauthorizedError)
        request.response = json(401, { error: 'unauthorized', message: error.message });
      else if (error instanceof ConflictError)
        request.response = json(409, { error: 'conflict', message: error.message });
      else if (error instanceof NotFoundError)
        request.response = json(404, { error: 'not_found', message: error.message });
      else if (error instanceof PayloadTooLargeError)
        request.response = json(413, { error: 'payload_too_large', message: error.message });
      else if (error instanceof RateLimitedError)
        request.response = json(
          429,
          { error: 'rate_limited', message: error.message },
          { 'retry-after': String(error.retryAfterSeconds) },
        );
      else {
        logger.error('Unhandled error', { error: error as Error });
        request.response = json(500, {
          error: 'internal_error',
          message: 'Something went wrong; it has been logged.',
        });
      }
    },
  };
}

/** A request body checked against its schema: every problem with its path, or the parsed value. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return parsed.data;
}
