import { defineConfig } from 'vitest/config';

/**
 * Every playbook as a step table on the local stack (`npm run test:playbooks`): events in through
 * the HTTP API, the local clock moved on by weeks, the exact sends out. A stack of their own.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/playbooks/**/*.test.ts'],
    globalSetup: ['test/support/local-stack.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
