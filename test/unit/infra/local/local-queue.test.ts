import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../../infra/local/local-queue.js';

/** An SQS SendMessageBatch call as the AWS SDK makes it (JSON protocol). */
function sendBatch(queue: LocalQueue, bodies: string[]): Record<string, unknown> {
  let answer = '';
  const req = { headers: { 'x-amz-target': 'AmazonSQS.SendMessageBatch' } } as unknown as IncomingMessage;
  const res = { writeHead: () => res, end: (b: string) => (answer = b) } as unknown as ServerResponse;
  queue.handle(
    req,
    JSON.stringify({ QueueUrl: 'q', Entries: bodies.map((b, i) => ({ Id: String(i), MessageBody: b })) }),
    res,
  );
  return JSON.parse(answer);
}

describe('local send queue', () => {
  it('redelivers reported failures, then moves a message to the dead-letter file after maxReceiveCount', async () => {
    const deadLetterFile = join(mkdtempSync(join(tmpdir(), 'huitou-queue-')), 'dead.jsonl');
    const receives = new Map<string, number>();
    const queue = new LocalQueue({
      queueArn: 'arn:aws:sqs:local:0:send',
      batchSize: 10,
      maxReceiveCount: 3,
      deadLetterFile,
      log: () => undefined,
      consumer: async (event: SQSEvent): Promise<SQSBatchResponse> => {
        for (const r of event.Records) receives.set(r.body, (receives.get(r.body) ?? 0) + 1);
        // "flaky" fails once, "poison" always.
        const failed = event.Records.filter(
          (r) => r.body === 'poison' || (r.body === 'flaky' && receives.get('flaky') === 1),
        );
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    const answer = sendBatch(queue, ['ok', 'flaky', 'poison']);
    expect((answer.Successful as unknown[]).length).toBe(3);
    await queue.drain();
    expect(Object.fromEntries(receives)).toEqual({ ok: 1, flaky: 2, poison: 3 });
    const dead = readFileSync(deadLetterFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).body);
    expect(dead).toEqual(['poison']);
    expect(queue.depth).toBe(0);
  });

  it('runs as many consumers side by side as the wiring allows, each message once', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: string[] = [];
    const queue = new LocalQueue({
      queueArn: 'arn:aws:sqs:local:0:refresh',
      batchSize: 1,
      workers: 3,
      maxReceiveCount: 3,
      deadLetterFile: join(mkdtempSync(join(tmpdir(), 'huitou-queue-')), 'dead.jsonl'),
      log: () => undefined,
      consumer: async (event: SQSEvent) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Yield a few times, as a handler awaiting DynamoDB would.
        for (let i = 0; i < 5; i++) await Promise.resolve();
        seen.push(...event.Records.map((r) => r.body));
        inFlight--;
        return { batchItemFailures: [] };
      },
    });
    sendBatch(queue, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    await queue.drain();
    expect(most).toBe(3);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });
});
