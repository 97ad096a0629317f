import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { functions } from '../../infra/wiring.js';
import { control, stack } from '../support/api.js';

/** Every function of the wiring runs locally, behind the stand-in for its trigger. */
describe('functions listed in the wiring', () => {
  it('include the import function, fed by the local import queue (S3 itself is not emulated)', async () => {
    expect(functions.find((f) => f.name === 'import')?.trigger).toMatchObject({
      kind: 'sqs',
      queue: 'import',
    });
    const sqs = new SQSClient({
      endpoint: `${stack().controlUrl}/sqs`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const body = JSON.stringify({ bucket: 'huitou-imports', key: 'imports/no-such-shop/history.csv' });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: `${stack().controlUrl}/sqs/import`, MessageBody: body }),
    );
    await control('POST', '/settle');
    // The handler ran, found no upload store, and the message took the dead-letter path as on AWS.
    const deadLetters = join(dirname(stack().smsOutbox), 'import-dead-letters.jsonl');
    expect(existsSync(deadLetters)).toBe(true);
    const parked = readFileSync(deadLetters, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).body);
    expect(parked).toContain(body);
  });

  it('answers a queue the wiring does not list as SQS would', async () => {
    const sqs = new SQSClient({
      endpoint: `${stack().controlUrl}/sqs`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${stack().controlUrl}/sqs/nope`, MessageBody: '{}' })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });
});
