import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type LocalFacts, startLocalRuntime } from '../../infra/local/runtime.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: LocalFacts;
  }
}

/** Boots the real local runtime once per test run, in memory on free ports, and stops it after. */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'huitou-test-'));
  const runtime = await startLocalRuntime({
    dataDir,
    inMemory: true,
    ports: { api: 0, dynamodb: 0, ses: 0 },
    demoShop: false,
    realTimeClock: false,
    log: (line) => console.error(`[local stack] ${line}`),
  });
  const { scheduler: _s, settle: _settle, stop: _stop, ...facts } = runtime;
  project.provide('stack', facts);
  return async () => {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
