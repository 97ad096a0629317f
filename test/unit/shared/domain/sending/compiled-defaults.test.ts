import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileDefaults,
  compiledDefaultsFile,
} from '../../../../../shared/domain/sending/compile-defaults.js';
import { packagesReached } from '../../../../support/import-graph.js';

const root = resolve(import.meta.dirname, '../../../../..');

describe('the defaults the sender renders', () => {
  it('are the playbook defaults as compiled now (run scripts/compile-default-templates.ts after editing them)', async () => {
    const stored = JSON.parse(readFileSync(resolve(root, compiledDefaultsFile), 'utf8'));
    expect(stored).toEqual(await compileDefaults());
  }, 60_000);

  it('keep MJML and html-to-text out of the sender, the tracking and the links functions', () => {
    for (const fn of ['sender', 'tracking', 'links']) {
      const reached = packagesReached(resolve(root, `functions/${fn}/handler.ts`));
      expect(reached.has('@aws-sdk/client-dynamodb'), fn).toBe(true);
      expect(
        [...reached].filter((p) => /mjml|html-to-text/.test(p)),
        fn,
      ).toEqual([]);
    }
  });
});
