import { defineConfig } from 'vitest/config';
import PlaybooksFirst from './test/support/playbooks-first.js';

export default defineConfig({
  test: {
    // Only the integration project's order matters (see PlaybooksFirst: end-to-end files first); vitest takes it run-wide.
    sequence: { sequencer: PlaybooksFirst },
    projects: [
      // Fast on any machine, but never failed for being slow on a loaded one.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 120_000 } },
      // Debian's chromium through playwright-core, on pages served from in-memory records.
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 120_000 } },
      // Synthesising the app (bundling every function) takes what a loaded machine takes: no short bound.
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // One local stack (DynamoDB Local, local SES, handlers) for the run, on free ports.
          globalSetup: ['test/support/local-stack.ts'],
          // The local clock is shared by the stack: files take turns, the playbooks' step tables first.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
