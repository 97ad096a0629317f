/**
 * Compiles every playbook's default template (MJML → HTML and text, Liquid kept) into
 * shared/domain/sending/compiled-defaults.json, so the sender renders defaults without loading MJML.
 * Run after changing default-templates.ts: `npx tsx scripts/compile-default-templates.ts`
 * (test/unit/shared/domain/sending/compiled-defaults.test.ts fails while the file is stale).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileDefaults, compiledDefaultsFile } from '../shared/domain/sending/compile-defaults.js';

const out = resolve(import.meta.dirname, '..', compiledDefaultsFile);
writeFileSync(out, `${JSON.stringify(await compileDefaults(), null, 2)}\n`);
console.log(`wrote ${out}`);
