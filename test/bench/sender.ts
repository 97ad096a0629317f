/**
 * The sender's own overhead per message on the bench's local stack, and what a million messages
 * cost on AWS: huitou's part (Lambda, SQS, DynamoDB) next to SES's and SNS's list prices.
 *
 * The real sender handler (functions/sender/handler.ts, loaded by the local runtime) is called with
 * SQS batches of ten send requests for customers with consent; process CPU time is taken with
 * `process.cpuUsage()` around each call, after a warm-up batch and with the write meter off. The
 * figure is an upper bound of the handler's own CPU: the handlers share this process with the local
 * SES emulator (its side of each request) and the stream poller (which applies what the sends wrote).
 * Write and read units per send come from batches of their own with the meter on, as AWS bills them.
 */
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../../infra/local/gateway.js';
import { functions } from '../../infra/wiring.js';
import { pacingFor } from '../../shared/domain/sending/pacing.js';
import { type SendIntent, sendIdOf } from '../../shared/domain/sending/send-identity.js';
import type { SendRequest } from '../../shared/domain/sending/send-request.js';
import type { BenchStack } from './support/stack.js';
import { log, round } from './support/stack.js';

type Channel = 'email' | 'sms';

/** List prices, us-east-1, on-demand, as of 2025: what the cost model multiplies by. */
export const prices = {
  region: 'us-east-1',
  /** Lambda on Arm (the functions' architecture), per GB-second and per million requests. */
  lambdaGbSecondUsd: 0.0000133334,
  lambdaRequestsPerMillionUsd: 0.2,
  /** SQS standard queue, per million requests (each 64 KB chunk of a request counts). */
  sqsRequestsPerMillionUsd: 0.4,
  /** DynamoDB on-demand, per million write and read request units. */
  dynamoWritePerMillionUsd: 0.625,
  dynamoReadPerMillionUsd: 0.125,
  /** SES outbound email, per 1,000 (no attachments). */
  sesPerThousandUsd: 0.1,
  /** SNS SMS, one transactional message to a United States number (the sender's own figure, SnsSmsChannel). */
  snsSmsUsd: 0.00645,
  smsCountry: 'United States',
} as const;

/**
 * SQS requests per message: the producer's SendMessageBatch (ten a request), the event source's
 * ReceiveMessage (ten a request) and DeleteMessageBatch (ten a request); empty long polls of an
 * idle queue are left out (they cost the same whether a campaign is sent or not).
 */
const sqsRequestsPerMessage = 3 / 10;
/** Lambda's CPU share grows with memory: one full vCPU at 1,769 MB. */
const fullVcpuMb = 1769;

export interface SenderChannelResult {
  sends: number;
  /** Process CPU during the handler calls, less what the process spends idle over the same time. */
  cpuMsPerSend: number;
  /** Process CPU during the handler calls, all of it. */
  rawCpuMsPerSend: number;
  idleCpuMsPerSecond: number;
  writeUnitsPerSend: number;
  readUnitsPerSend: number;
  /** Billed Lambda time per send on AWS: the pacing gap, or the work when that is longer. */
  lambdaSecondsPerSend: number;
  /** The gap between two sends of one invocation on AWS (pacing.ts). */
  pacingGapMs: number;
  paceRatePerSecond: number;
  costPerMillionUsd: {
    lambda: number;
    sqs: number;
    dynamodb: number;
    huitou: number;
    provider: number;
    total: number;
  };
}

export interface SenderResult {
  memoryMb: number;
  email: SenderChannelResult;
  sms: SenderChannelResult;
  prices: typeof prices;
}

const sender = functions.find((f) => f.name === 'sender');
if (!sender) throw new Error('no sender in the wiring');

function sqsEvent(requests: SendRequest[]): SQSEvent {
  return {
    Records: requests.map((r, i) => ({
      messageId: `${r.sendId}-${i}`,
      receiptHandle: r.sendId,
      body: JSON.stringify(r),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:huitou-send',
      awsRegion: 'local',
    })),
  };
}

export async function benchSender(stack: BenchStack, perChannel = 30): Promise<SenderResult> {
  const memoryMb = sender?.memoryMb ?? 512;
  const { settings, key } = await stack.newShop('sender');
  const shopId = settings.shopId;
  const customers = Array.from({ length: 10 }, (_, i) => `c${i}`);
  for (const id of customers) {
    const response = await fetch(`${stack.runtime.apiUrl}/v1/customers/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Customer ${id}`,
        email: `${id}@example.com`,
        phone: `+1202555${String(1000 + Number(id.slice(1))).padStart(4, '0')}`,
        consent: { email: { marketing: true, care: true }, sms: { marketing: true, care: true } },
      }),
    });
    if (!response.ok) throw new Error(`PUT customer ${id}: ${response.status} ${await response.text()}`);
  }
  await stack.runtime.settle();

  // The handler the local runtime loaded (the same module instance, its clients metered).
  const { handler } = (await import('../../functions/sender/handler.js')) as {
    handler: (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
  };
  let step = 0;
  const batch = (channel: Channel): SendRequest[] => {
    step++;
    return customers.map((customerId) => {
      const intent: SendIntent = {
        shopId,
        customerId,
        source: { kind: 'campaign', campaignId: 'bench' },
        step: `s${step}`,
        occurrence: '1',
      };
      return {
        sendId: sendIdOf(intent),
        intent,
        channel,
        purpose: 'marketing',
        templateId: 'dormant-win-back',
        data: { locale: 'en', coupon: { code: `BACK-${step}` } },
        requestedAt: new Date().toISOString(),
      };
    });
  };
  const run = async (requests: SendRequest[]) => {
    const result = (await handler(
      sqsEvent(requests),
      // A fresh context per invocation: its remaining time counts down from its creation.
      lambdaContext('huitou-sender', sender?.timeoutSeconds ?? 30),
    )) as { batchItemFailures?: unknown[] };
    if (result?.batchItemFailures?.length)
      throw new Error(`sender failed ${result.batchItemFailures.length} of ${requests.length}`);
  };

  const measure = async (channel: Channel): Promise<SenderChannelResult> => {
    await run(batch(channel)); // warm-up: module, clients, JIT
    await stack.runtime.settle();
    // What the process spends idle (pollers, timers) per second of wall time, taken off below.
    const idleStart = process.cpuUsage();
    const idleWall = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const idle = process.cpuUsage(idleStart);
    const idleMicrosPerMs = (idle.user + idle.system) / (performance.now() - idleWall);
    let cpuMicros = 0;
    let rawMicros = 0;
    let sends = 0;
    while (sends < perChannel) {
      const requests = batch(channel);
      const before = process.cpuUsage();
      const wall = performance.now();
      await run(requests);
      const used = process.cpuUsage(before);
      rawMicros += used.user + used.system;
      cpuMicros += Math.max(0, used.user + used.system - idleMicrosPerMs * (performance.now() - wall));
      sends += requests.length;
      // What the sends wrote reaches the stream poller here, outside the measured calls.
      await stack.runtime.settle();
    }
    stack.meter.reset();
    stack.meter.enabled = true;
    const metered = batch(channel);
    try {
      await run(metered);
    } finally {
      stack.meter.enabled = false;
    }
    const bill = stack.meter.bill;
    await stack.runtime.settle();
    const cpuMsPerSend = cpuMicros / 1000 / sends;
    const rawCpuMsPerSend = rawMicros / 1000 / sends;
    const writeUnitsPerSend = bill.writeUnits / metered.length;
    const readUnitsPerSend = bill.readUnits / metered.length;
    // On AWS the sender waits out the pacing gap between sends (billed), unless its work takes longer.
    const pace = pacingFor({ maxRate: channel === 'email' ? 200 : 20 });
    const workSeconds = ((cpuMsPerSend / 1000) * fullVcpuMb) / memoryMb;
    const lambdaSecondsPerSend = Math.max(pace.intervalMs / 1000, workSeconds);
    const million = 1_000_000;
    const lambda =
      million * (memoryMb / 1024) * lambdaSecondsPerSend * prices.lambdaGbSecondUsd +
      (1 / 10) * prices.lambdaRequestsPerMillionUsd;
    const sqs = sqsRequestsPerMessage * prices.sqsRequestsPerMillionUsd;
    const dynamodb =
      writeUnitsPerSend * prices.dynamoWritePerMillionUsd + readUnitsPerSend * prices.dynamoReadPerMillionUsd;
    const provider = channel === 'email' ? prices.sesPerThousandUsd * 1000 : prices.snsSmsUsd * million;
    const huitou = lambda + sqs + dynamodb;
    log(
      `sender ${channel}: ${round(cpuMsPerSend, 2)} CPU ms/send (raw ${round(rawCpuMsPerSend, 2)}, idle ${round(idleMicrosPerMs, 2)} ms/s), ${round(writeUnitsPerSend, 2)} WRU, ${round(readUnitsPerSend, 2)} RRU`,
    );
    return {
      sends,
      cpuMsPerSend: round(cpuMsPerSend, 2),
      rawCpuMsPerSend: round(rawCpuMsPerSend, 2),
      idleCpuMsPerSecond: round(idleMicrosPerMs, 2),
      writeUnitsPerSend: round(writeUnitsPerSend, 2),
      readUnitsPerSend: round(readUnitsPerSend, 2),
      lambdaSecondsPerSend: round(lambdaSecondsPerSend, 4),
      pacingGapMs: round(pace.intervalMs, 1),
      paceRatePerSecond: pace.targetRate,
      costPerMillionUsd: {
        lambda: round(lambda, 2),
        sqs: round(sqs, 2),
        dynamodb: round(dynamodb, 2),
        huitou: round(huitou, 2),
        provider: round(provider, 2),
        total: round(huitou + provider, 2),
      },
    };
  };
  const sms = await measure('sms');
  const email = await measure('email');
  return { memoryMb, email, sms, prices };
}

const usd = (n: number) =>
  `$${n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export async function senderSection(stack: BenchStack): Promise<{ result: unknown; markdown: string }> {
  const r = await benchSender(stack);
  const row = (name: string, c: SenderChannelResult, provider: string) =>
    `| ${name} | ${c.cpuMsPerSend} ms (${c.rawCpuMsPerSend} ms raw) | ${c.writeUnitsPerSend} / ${c.readUnitsPerSend} | ${usd(c.costPerMillionUsd.lambda)} | ${usd(c.costPerMillionUsd.sqs)} | ${usd(c.costPerMillionUsd.dynamodb)} | **${usd(c.costPerMillionUsd.huitou)}** | ${provider} ${usd(c.costPerMillionUsd.provider)} | ${usd(c.costPerMillionUsd.total)} |`;
  const p = r.prices;
  return {
    result: { ...r, measuredAt: new Date().toISOString() },
    markdown: [
      '## Sender: overhead per message and cost per million',
      '',
      `The real sender handler called with SQS batches of ten requests (playbook \`dormant-win-back\`, English, a coupon) for customers with consent, through the local SES and SNS: ${r.email.sends} emails and ${r.sms.sends} SMS after a warm-up batch each. CPU is the process's (\`process.cpuUsage()\`) around each call with the meter off, less what the idle process spends over the same wall time (measured for 3 s before; "raw" without that): still an upper bound, since the local SES and SNS emulators' side of each request and the stream poller's work on what the sends wrote share the process. Write and read units per send from a metered batch of ten, as AWS bills them (the claim transaction with its index entries, the hand-over, the completion).`,
      '',
      `Cost model per million messages, ${p.region} list prices: Lambda on Arm ${r.memoryMb} MB at $${p.lambdaGbSecondUsd} per GB-s and $${p.lambdaRequestsPerMillionUsd} per million requests (one invocation per ten sends); billed time per send is the larger of the pacing gap the sender waits (SES at a MaxSendRate of 200/s: 15 invocations at 180/s, ${r.email.pacingGapMs} ms between two emails of one invocation; SMS at 20/s: ${r.sms.pacingGapMs} ms) and the CPU time above scaled to ${r.memoryMb} MB's share of a vCPU (one vCPU at 1,769 MB): ${round(r.email.lambdaSecondsPerSend * 1000)} ms per email, ${round(r.sms.lambdaSecondsPerSend * 1000)} ms per SMS; SQS $${p.sqsRequestsPerMillionUsd} per million requests, 0.3 per message (send, receive and delete, ten to a request); DynamoDB on-demand $${p.dynamoWritePerMillionUsd} per million write units and $${p.dynamoReadPerMillionUsd} per million read units. SES $${p.sesPerThousandUsd} per 1,000 emails; SNS SMS $${p.snsSmsUsd} per message to a ${p.smsCountry} number (other countries differ, many cost more). Not counted: tracking (SES events through SNS and SQS to the tracking function), data transfer, CloudWatch logs.`,
      '',
      '| channel | CPU per send | write / read units per send | Lambda | SQS | DynamoDB | **huitou** | provider | total per million |',
      '|---|---|---|---|---|---|---|---|---|',
      row('email', r.email, 'SES'),
      row('SMS', r.sms, 'SNS'),
      '',
    ].join('\n'),
  };
}
