import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileDefaults,
  compiledDefaultsFile,
} from '../../../../../shared/domain/sending/compile-defaults.js';

const root = resolve(import.meta.dirname, '../../../../..');

/** Every package a module reaches through its own imports, following relative ones. */
function packagesReached(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, spec] of source.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)) {
    if (!spec) continue;
    if (spec.startsWith('.')) {
      if (spec.endsWith('.json')) continue;
      for (const p of packagesReached(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen))
        packages.add(p);
    } else packages.add(spec);
  }
  return packages;
}

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
