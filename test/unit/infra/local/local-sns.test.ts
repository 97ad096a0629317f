import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSms } from '../../../../infra/local/local-sns.js';
import { SnsSmsChannel } from '../../../../shared/adapters/sns/sms-channel.js';
import { PermanentSendError } from '../../../../shared/domain/sending/messages.js';

/** The local SNS endpoint, spoken to by the real SDK client through the sender's own channel. */
const outbox = join(mkdtempSync(join(tmpdir(), 'huitou-sns-')), 'sms-outbox.jsonl');
let server: Server;
let sns: SNSClient;
const smsSettings = { maxPriceUsd: 0.05, priceMicros: 6_450 };

beforeAll(async () => {
  const sms = new LocalSms(outbox);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => sms.handle(body, res));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  sns = new SNSClient({
    endpoint: `http://127.0.0.1:${port}/_local/sns`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(() => new Promise((r) => server.close(r)));

describe('local SNS', () => {
  it('answers Publish to a phone number with a message id and appends the SMS to the outbox', async () => {
    const { providerMessageId: id } = await new SnsSmsChannel(sns, smsSettings).send({
      sendId: 'ship:SO-9',
      shopId: 'tea',
      to: '+8613800138000',
      text: 'Your tea has shipped & is on its way: <SF1234567890>',
    });
    const lines = readFileSync(outbox, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        id,
        at: expect.any(String),
        to: '+8613800138000',
        text: 'Your tea has shipped & is on its way: <SF1234567890>',
        sendId: 'ship:SO-9',
        shopId: 'tea',
      },
    ]);
  });

  it('refuses what it does not emulate as SNS would refuse a bad parameter', async () => {
    await expect(
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:local:0:alarms', Message: 'hi' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      new SnsSmsChannel(sns, smsSettings).send({
        sendId: 's',
        shopId: 'tea',
        to: '+8613800138000',
        text: '',
      }),
    ).rejects.toBeInstanceOf(PermanentSendError);
  });
});
