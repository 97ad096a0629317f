import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Every package a module reaches through its own imports, following relative ones (JSON skipped). */
export function packagesReached(file: string, seen = new Set<string>()): Set<string> {
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
