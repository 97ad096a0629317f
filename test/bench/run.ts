/**
 * `npm run bench`: huitou measured on this machine's local stack (DynamoDB Local on disk, the real
 * handlers, the stream poller), written to test/bench/results.md (for people) and results.json (for
 * scripts). Write units are counted as AWS bills them (support/billing-meter.ts), not as DynamoDB
 * Local reports them.
 *
 * Sections: demo (a first `npm start`), intake (end to end against raw writes), import (history),
 * segments (the pure refresh engine on 1M customers beside DuckDB), predictions (BG/NBD fit time),
 * refresh (the nightly refresh end to end) and audiences (offer-fit read units against full reads), both
 * on one synthetic shop of 100,000 customers.
 * sender (CPU and write units per send, the AWS cost per million emails and SMS).
 * store (what DynamoDB Local allows an import and an intake: the items each cannot skip, as they must write them; after intake).
 * Options: --only demo,intake,import,store,segments,predictions,refresh,audiences,sender,due-steps; --events N (intake, default 5000); --rounds N (default 3);
 * --orders N (import, default 100000); --customers N (refresh and audiences, default 100000); --keep (leave the data directory).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { audiencesSection } from './audiences.js';
import { benchDemoFill, demoFillMarkdown } from './demo-fill.js';
import { dueStepsSection } from './due-steps.js';
import { benchImport, importMarkdown } from './import.js';
import { benchIntake, intakeMarkdown } from './intake.js';
import { benchPredictions } from './predictions.js';
import { refreshSection } from './refresh.js';
import { benchSegments } from './segments.js';
import { senderSection } from './sender.js';
import { benchStore, storeMarkdown } from './store.js';
import { log, machine, startBenchStack } from './support/stack.js';
import { writeSyntheticShop } from './support/synthetic-shop.js';

const { values } = parseArgs({
  options: {
    only: {
      type: 'string',
      default: 'demo,intake,import,store,segments,predictions,audiences,refresh,sender,due-steps',
    },
    events: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    orders: { type: 'string', default: '100000' },
    customers: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
  },
});
const only = new Set(values.only.split(','));
const resultsMd = new URL('./results.md', import.meta.url);
const resultsJson = new URL('./results.json', import.meta.url);
// Sections not run this time keep their last figures.
const json: Record<string, unknown> = existsSync(resultsJson)
  ? JSON.parse(readFileSync(resultsJson, 'utf8'))
  : {};
const sections: Record<string, string> = (json.markdown as Record<string, string> | undefined) ?? {};

if (only.has('demo')) {
  const demo = await benchDemoFill(3000);
  json.demo = {
    customers: demo.customers,
    secondsToApplied: demo.seconds,
    measuredAt: new Date().toISOString(),
  };
  sections.demo = demoFillMarkdown(demo);
}
if (only.has('intake') || only.has('import') || only.has('store')) {
  const stack = await startBenchStack({ keep: values.keep });
  try {
    if (only.has('intake')) {
      const intake = await benchIntake(stack, Number(values.events), Number(values.rounds));
      json.intake = {
        writeUnitsPerEvent: intake.writeUnitsPerEvent,
        ratioToRawWrites: intake.ratioToRawWrites,
        events: intake.events,
        rounds: intake.rounds,
        readUnitsPerEvent: intake.readUnitsPerEvent,
        requestsPerEvent: intake.requestsPerEvent,
        withDefaultJourneys: intake.withDefaultJourneys,
        measuredAt: new Date().toISOString(),
      };
      sections.intake = intakeMarkdown(intake);
    }
    if (only.has('import')) {
      const imported = await benchImport(stack, Number(values.orders));
      json.import = {
        writeUnitsPerOrder: imported.writeUnitsPerOrder,
        ratioToRawWrites: imported.ratioToRawWrites,
        orders: imported.orders,
        secondsPer10kOrders: imported.chunks.map((c) => (c.seconds / c.orders) * 10_000),
        customersPerEvent: imported.customers / imported.events,
        measuredAt: new Date().toISOString(),
      };
      sections.import = importMarkdown(imported);
    }
    if (only.has('store')) {
      // As many customers an event as the import's history has (its last run; 45,976 for 102,886 events before it said).
      const perEvent =
        (json.import as { customersPerEvent?: number } | undefined)?.customersPerEvent ?? 45_976 / 102_886;
      // As many profile commits an event as the intake made (its PutItems an event; this run's or its last).
      const commits = (json.intake as { requestsPerEvent?: Record<string, number> } | undefined)
        ?.requestsPerEvent?.PutItem;
      if (commits === undefined) throw new Error('store: run the intake section first (--only intake,store)');
      const store = await benchStore(stack, Number(values.events), perEvent, commits, Number(values.rounds));
      json.store = { ...store, measuredAt: new Date().toISOString() };
      sections.store = storeMarkdown(store);
    }
  } finally {
    await stack.stop();
  }
}

if (only.has('segments')) {
  // One core: the engine is plain synchronous code in this process.
  const r = await benchSegments(1_000_000);
  json.segments = { ...r, measuredAt: new Date().toISOString() };
  sections.segments = [
    '## Segment refresh engine',
    '',
    `${r.customers.toLocaleString('en')} synthetic customers through the pure refresh engine (RFM scores and cells, lifecycle, activity, gold, price sensitivity, interests and three custom rules) on one core, after a warm-up; the same RFM and lifecycle in DuckDB SQL over the same data, and the two checked identical customer by customer.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| **engine** (goal ≥ 1,000,000 customers/s) | **${r.customersPerSecond.toLocaleString('en')} customers/s** (${Math.round(r.engineMillis)} ms) |`,
    `| DuckDB, RFM + lifecycle | ${Math.round(r.duckdbMillis)} ms |`,
    '',
  ].join('\n');
}
if (only.has('predictions')) {
  const r = await benchPredictions(100_000);
  json.predictions = { ...r, measuredAt: new Date().toISOString() };
  const p = r.params;
  sections.predictions = [
    '## Repurchase model fit',
    '',
    `BG/NBD and Gamma-Gamma fitted by maximum likelihood (with standard errors) on ${r.customers.toLocaleString('en')} customers simulated from the model, from their order times.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| **fit time** (goal ≤ 5 s) | **${(r.fitMillis / 1000).toFixed(2)} s** |`,
    `| fitted r, α (days), a, b | ${p?.r.toFixed(3)}, ${p?.alpha.toFixed(2)}, ${p?.a.toFixed(3)}, ${p?.b.toFixed(3)} (simulated with 0.25, 28, 0.8, 2.5) |`,
    '',
  ].join('\n');
}
if (only.has('audiences') || only.has('refresh')) {
  // One synthetic shop (--customers, default 100,000) serves both: writing it takes minutes here.
  const stack = await startBenchStack({ keep: values.keep });
  try {
    const written = await writeSyntheticShop(stack, 'synthetic', Number(values.customers));
    if (only.has('audiences'))
      ({ result: json.audiences, markdown: sections.audiences } = await audiencesSection(stack, written));
    if (only.has('refresh'))
      ({ result: json.refresh, markdown: sections.refresh } = await refreshSection(stack, written));
  } finally {
    await stack.stop();
  }
}

if (only.has('sender')) {
  const stack = await startBenchStack({ keep: values.keep });
  try {
    ({ result: json.sender, markdown: sections.sender } = await senderSection(stack));
  } finally {
    await stack.stop();
  }
}
if (only.has('due-steps')) {
  const stack = await startBenchStack({ keep: values.keep });
  try {
    ({ result: json['due-steps'], markdown: sections['due-steps'] } = await dueStepsSection(stack));
  } finally {
    await stack.stop();
  }
}

json.machine = machine();
json.markdown = sections;
const order = [
  'demo',
  'intake',
  'import',
  'store',
  'segments',
  'predictions',
  'refresh',
  'audiences',
  'journeys',
  'due-steps',
  'sending',
  'sender',
];
const markdown = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` (test/bench/run.ts); last run ${new Date().toISOString()}. Each section says what it measured; a section not run keeps its last figures (see \`measuredAt\` in results.json).`,
  '',
  `Machine: ${json.machine}. Timed rounds run with the write meter off; write units come from rounds of their own with it on.`,
  '',
  ...order.flatMap((key) => (sections[key] ? [sections[key]] : [])),
].join('\n');
writeFileSync(resultsMd, markdown);
writeFileSync(resultsJson, `${JSON.stringify(json, null, 2)}\n`);
log(`written: ${resultsMd.pathname} and results.json`);
