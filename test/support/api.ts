import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/** Talks to the local stack the way a shop's backend and a person at the console would. */
export const stack = () => inject('stack');

export interface Shop {
  shopId: string;
  apiKey: string;
}

export async function control<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${stack().controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A fresh shop per test file keeps tests apart on the shared stack. */
export async function newShop(overrides: Record<string, unknown> = {}): Promise<Shop> {
  const shopId = `t-${randomUUID().slice(0, 8)}`;
  return control<Shop>('POST', '/admin/shops', { name: `Test ${shopId}`, shopId, ...overrides });
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON that each test reads by its own shape.
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function call<T = any>(
  shop: Shop | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const res = await fetch(`${stack().apiUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(shop ? { authorization: `Bearer ${shop.apiKey}` } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Waits until the stream handler has applied everything written so far. */
export const settle = () => control('POST', '/settle');
export const advance = (duration: string) =>
  control<{ now: string; fired: number }>('POST', '/advance', { duration });

export async function sentMail(): Promise<
  Array<{ to: string; subject: string; text?: string; from: string }>
> {
  const res = await fetch(`${stack().sesUrl}/store`);
  const store = (await res.json()) as {
    emails: Array<{ destination: { to: string[] }; subject: string; body: { text?: string }; from: string }>;
  };
  return store.emails.map((e) => ({
    to: e.destination.to.join(','),
    subject: e.subject,
    text: e.body.text,
    from: e.from,
  }));
}

/** Points this worker's AWS SDK clients at the stack's DynamoDB Local, as the handlers are. */
export function useStackDynamoDb(extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: stack().dynamodbEndpoint,
    ...extra,
  });
}
