import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLocalRuntime } from '../../infra/local/runtime.js';
import { log, round } from './support/stack.js';

export interface DemoFillFigures {
  customers: number;
  seconds: number;
}

/**
 * A first `npm start` on a fresh data directory: how long until the demo shop's history is applied.
 * In a process of its own, as `npm start` is: the handlers a process loads keep the clients they
 * were built with, so a second local stack in one process would talk to the first one's DynamoDB.
 */
export async function benchDemoFill(customers: number): Promise<DemoFillFigures> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), String(customers)],
    { maxBuffer: 64 * 2 ** 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as DemoFillFigures;
}

async function fillOnce(customers: number): Promise<DemoFillFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'huitou-bench-demo-'));
  const started = Date.now();
  let done: (seconds: number) => void = () => undefined;
  const applied = new Promise<number>((resolve) => {
    done = resolve;
  });
  const runtime = await startLocalRuntime({
    dataDir,
    inMemory: false,
    ports: { api: 0, dynamodb: 0, ses: 0 },
    demoShop: true,
    demoCustomers: customers,
    realTimeClock: false,
    log: (line) => {
      log(`npm start: ${line}`);
      if (line.includes('history applied')) done((Date.now() - started) / 1000);
    },
  });
  const seconds = await applied;
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
  log(`demo shop: applied ${round(seconds)} s after the start`);
  return { customers, seconds };
}

export function demoFillMarkdown(f: DemoFillFigures): string {
  return [
    '## Demo shop on a first `npm start`',
    '',
    `A fresh data directory on disk, the demo tea shop of ${f.customers} customers over two years, from the start of the runtime until its log said the history was applied to the profiles (goal: within three minutes).`,
    '',
    '| measure | value |',
    '|---|---|',
    `| **start to history applied** | **${round(f.seconds)} s** |`,
    '',
  ].join('\n');
}

// Run as a script by benchDemoFill: prints the figures as the last line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await fillOnce(Number(process.argv[2])))}\n`);
}
