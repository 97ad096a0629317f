/**
 * The due index on the bench's local stack. Throughput: 10,000 customers' unpaid order reminders all
 * due in the same minute (orders posted through the API, instances and pointers written by the
 * stream), run by the due-step runner over the 8 shards, its send requests counted instead of
 * queued (the sender is not what is measured). An idle day: `advance 1d` on a stack with nothing
 * due, metered (reads) and timed, with the firings the local clock made. And the AWS cost of one
 * million steps from those units at stated list prices.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { journeyRuntimeDeps } from '../../shared/adapters/dynamodb/journey-deps.js';
import { now, setClockTo } from '../../shared/clock.js';
import type { SendRequest } from '../../shared/domain/sending/send-request.js';
import { runDueSteps } from '../../shared/use-cases/journeys/run-due-steps.js';
import type { BenchStack } from './support/stack.js';
import { log, round, seconds, sendEvents } from './support/stack.js';

/** us-east-1 list prices, on demand (DynamoDB since November 2024; Lambda x86). */
export const prices = {
  writeRequestUnit: 0.625 / 1e6,
  readRequestUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000166667,
  schedulerInvocation: 1 / 1e6,
};

export interface DueStepsResult {
  steps: number;
  shards: number;
  runSeconds: number;
  stepsPerSecond: number;
  idleDay: { firings: number; readUnits: number; wallSeconds: number; readUnitsPerIdleMinute: number };
  /** What a tick bills per step it runs, metered on a second batch: instance and profile reads, the instance saved. */
  tickUnitsPerStep: { write: number; read: number; metered: number };
  perMillionSteps: {
    tickWritesUsd: number;
    tickReadsUsd: number;
    pointerWritesUsd: number;
    cursorWritesUsd: number;
    pointerReadsUsd: number;
    lambdaUsd: number;
    idleYearReadsUsd: number;
    idleYearLambdaUsd: number;
    schedulerInsteadUsd: number;
  };
}

export async function benchDueSteps(stack: BenchStack, customers = 10_000): Promise<DueStepsResult> {
  const { runtime } = stack;
  const { settings, key } = await stack.newShop('due-bench');

  // An idle day first, while nothing is due: every schedule as the local clock fires it, metered.
  stack.meter.reset();
  stack.meter.enabled = true;
  const idleStarted = Date.now();
  let firings: number;
  try {
    firings = await runtime.scheduler.advance(86_400_000);
  } finally {
    stack.meter.enabled = false;
  }
  const idleDay = {
    firings,
    readUnits: round(stack.meter.bill.readUnits, 1),
    wallSeconds: round(seconds(idleStarted), 2),
    readUnitsPerIdleMinute: 0,
  };
  // One idle tick alone, metered: what every idle minute costs on AWS, where it fires every minute.
  stack.meter.reset();
  stack.meter.enabled = true;
  try {
    await runtime.scheduler.fire('due-steps');
  } finally {
    stack.meter.enabled = false;
  }
  idleDay.readUnitsPerIdleMinute = stack.meter.bill.readUnits;
  log(`due-steps: idle day ${JSON.stringify(idleDay)}`);

  // 10,000 orders at one instant: their reminders fall due in the same minute, across the shards.
  const items = [{ sku: 'longjing-250', category: 'green-tea', price: 79, quantity: 1 }];
  const orders = async (count: number, tag: string) => {
    const at = now();
    const events = Array.from({ length: count }, (_, i) => ({
      id: `o-${tag}${i}`,
      type: 'order_placed',
      occurredAt: at.toISOString(),
      customerId: `c-${tag}${i}`,
      properties: { orderId: `SO-${tag}${i}`, total: 79, currency: 'CNY', items },
    }));
    const written = Date.now();
    await sendEvents(runtime.apiUrl, key, events);
    // The stream applies the orders and starts their journeys: minutes on a loaded machine.
    await runtime.settle(30 * 60_000);
    log(`due-steps: ${count} orders in, instances and pointers written in ${round(seconds(written))} s`);
  };
  await orders(customers, '');

  const queued: SendRequest[] = [];
  const deps = {
    ...journeyRuntimeDeps({
      doc: stack.doc,
      tableName: runtime.tableName,
      sqs: new SQSClient({}),
      sendQueueUrl: 'unused: the bench counts the requests',
      clock: now,
      shopSettings: async () => settings,
    }),
    sends: { enqueue: async (requests: SendRequest[]) => void queued.push(...requests) },
    shopSettings: async () => settings,
  };
  // The clock moves without the scheduler: the runner below is one tick that finds every reminder
  // due (each waits 30 minutes from when the stream started its journey, which took a while here).
  setClockTo(new Date(now().getTime() + 31 * 60_000));
  const started = Date.now();
  const tick = await runDueSteps(deps, now());
  const runSeconds = seconds(started);
  const steps = queued.filter((r) => r.templateId === 'unpaid-reminder').length;
  if (steps !== customers || tick.failedShards > 0)
    throw new Error(`the tick ran ${steps} reminders of ${customers} (${tick.failedShards} shards failed)`);
  log(`due-steps: ${steps} steps over ${tick.busyShards} shards in ${round(runSeconds, 2)} s`);
  const stepsPerSecond = Math.round(steps / runSeconds);

  // A second, smaller batch with the meter on: what the tick itself bills per step it runs.
  const metered = Math.max(100, Math.round(customers / 10));
  await orders(metered, 'm');
  setClockTo(new Date(now().getTime() + 31 * 60_000));
  queued.length = 0;
  stack.meter.reset();
  stack.meter.enabled = true;
  try {
    await runDueSteps(deps, now());
  } finally {
    stack.meter.enabled = false;
  }
  const meteredSteps = queued.filter((r) => r.templateId === 'unpaid-reminder').length;
  if (meteredSteps !== metered) throw new Error(`the metered tick ran ${meteredSteps} of ${metered}`);
  const tickUnitsPerStep = {
    write: round(stack.meter.bill.writeUnits / metered, 3),
    read: round(stack.meter.bill.readUnits / metered, 3),
    metered,
  };
  log(`due-steps: the tick bills ${JSON.stringify(tickUnitsPerStep)} per step`);

  // Per million steps on AWS: a pointer put and a cursor mark per step (writes), the pointers read
  // back 4 KB at a time (~150 bytes each, strongly consistent: 1 unit per 4 KB), the runner's
  // Lambda time at the throughput measured here (512 MB), and a year of idle minutes.
  const million = 1e6;
  const pointerReads = Math.ceil((million * 150) / 4096);
  const lambdaSeconds = million / stepsPerSecond;
  const perMillionSteps = {
    tickWritesUsd: round(million * tickUnitsPerStep.write * prices.writeRequestUnit, 3),
    tickReadsUsd: round(million * tickUnitsPerStep.read * prices.readRequestUnit, 3),
    pointerWritesUsd: round(million * prices.writeRequestUnit, 3),
    cursorWritesUsd: round(million * prices.writeRequestUnit, 3),
    pointerReadsUsd: round(pointerReads * prices.readRequestUnit, 4),
    lambdaUsd: round(lambdaSeconds * 0.5 * prices.lambdaGbSecond, 4),
    idleYearReadsUsd: round(525_600 * idleDay.readUnitsPerIdleMinute * prices.readRequestUnit, 3),
    idleYearLambdaUsd: round(525_600 * (prices.lambdaRequest + 0.05 * 0.5 * prices.lambdaGbSecond), 3),
    schedulerInsteadUsd: round(million * prices.schedulerInvocation + million * prices.lambdaRequest, 2),
  };
  return {
    steps,
    shards: tick.busyShards,
    runSeconds: round(runSeconds, 2),
    stepsPerSecond,
    idleDay,
    tickUnitsPerStep,
    perMillionSteps,
  };
}

export async function dueStepsSection(stack: BenchStack): Promise<{ result: unknown; markdown: string }> {
  const r = await benchDueSteps(stack);
  const c = r.perMillionSteps;
  const total = round(
    c.tickWritesUsd +
      c.tickReadsUsd +
      c.pointerWritesUsd +
      c.cursorWritesUsd +
      c.pointerReadsUsd +
      c.lambdaUsd,
    2,
  );
  return {
    result: { ...r, totalPerMillionStepsUsd: total, prices, measuredAt: new Date().toISOString() },
    markdown: [
      '## Due steps (journey timers)',
      '',
      `${r.steps.toLocaleString('en')} unpaid order reminders due in the same minute (orders posted through the API; the stream wrote instances and pointers), run by one tick of the due-step runner over ${r.shards} busy shards against DynamoDB Local, send requests counted instead of queued. The idle day is \`advance 1d\` on the local clock with nothing due: the minute schedules report when they next have work and the clock jumps there, so only the hourly refresh and the first ask fire.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| **runner throughput** | **${r.stepsPerSecond.toLocaleString('en')} steps/s** (${r.runSeconds} s for ${r.steps.toLocaleString('en')}) |`,
      `| idle simulated day, local | ${r.idleDay.wallSeconds} s wall, ${r.idleDay.firings} firings (every minute would be 2,904), ${r.idleDay.readUnits} read units |`,
      `| one idle minute on AWS (one BatchGet of the 8 cursors, strongly consistent) | ${r.idleDay.readUnitsPerIdleMinute} read units |`,
      '',
      'AWS cost per million journey steps, us-east-1 on demand (list prices: DynamoDB US$0.625 per million write units and US$0.125 per million read units; Lambda US$0.20 per million requests and US$0.0000166667 per GB-s; EventBridge Scheduler US$1.00 per million invocations):',
      '',
      '| | US$ |',
      '|---|---|',
      `| the step run: ${r.tickUnitsPerStep.write} write units (the instance saved as it moves on and as its outbox empties, the next wake's pointer and its cursor mark) and ${r.tickUnitsPerStep.read} read units (profile, instances, contact history) per step, metered on a tick of ${r.tickUnitsPerStep.metered.toLocaleString('en')} | ${c.tickWritesUsd} + ${c.tickReadsUsd} |`,
      `| pointer writes when the step is scheduled (1 write unit each) | ${c.pointerWritesUsd} |`,
      `| cursor marks (at most 1 conditional write per step) | ${c.cursorWritesUsd} |`,
      `| pointer reads (~150 bytes each, 4 KB per read unit) | ${c.pointerReadsUsd} |`,
      `| runner Lambda (512 MB at the throughput above) | ${c.lambdaUsd} |`,
      `| **total per million steps** | **${total}** |`,
      `| idle minutes for a year, whatever the steps: reads / Lambda (50 ms each) | ${c.idleYearReadsUsd} / ${c.idleYearLambdaUsd} |`,
      `| EventBridge Scheduler instead: invocations + one Lambda request per step (before create/delete calls and duration) | ${c.schedulerInsteadUsd} |`,
      '',
    ].join('\n'),
  };
}
