import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SendRequest } from '../../shared/domain/sending/send-request.js';
import { stack } from './api.js';

/**
 * The send requests of a shop that reached the local send queue, from the queue's journal
 * (`<dataDir>/send-received.jsonl`, every message the local queue received), in arrival order.
 */
export function queuedSendRequests(shopId: string, kind?: 'campaign' | 'journey'): SendRequest[] {
  const file = join(dirname(stack().smsOutbox), 'send-received.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(JSON.parse(line).body) as SendRequest)
    .filter((r) => r.intent?.shopId === shopId && (!kind || r.intent.source.kind === kind));
}

/** Waits until `count` requests of the shop have arrived (or the time is up), and answers them. */
export async function awaitSendRequests(
  shopId: string,
  count: number,
  kind?: 'campaign' | 'journey',
  timeoutMs = 30_000,
): Promise<SendRequest[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = queuedSendRequests(shopId, kind);
    if (found.length >= count || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}
