import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalFacts } from './runtime.js';

/** What a running `npm start` wrote to `.huitou/local.json`; exits with a hint when it is not running. */
export function localFacts(): LocalFacts {
  const dataDir = process.env.HUITOU_DATA_DIR ?? '.huitou';
  try {
    return JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as LocalFacts;
  } catch {
    console.error(`No ${dataDir}/local.json: is \`npm start\` running?`);
    process.exit(1);
  }
}

/** Calls the local runtime's control endpoint; non-2xx answers become errors with their body. */
export async function control<T = Record<string, unknown>>(
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<T> {
  const url = `${localFacts().controlUrl}${path}`;
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch(() => {
    throw new Error(`Cannot reach ${url}: is \`npm start\` running?`);
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Runs a CLI command: `false` from it means the words were wrong (usage, exit 2); a throw exits 1. */
export async function runCli(usage: string, command: () => Promise<boolean>): Promise<void> {
  try {
    if (await command()) return;
    console.error(usage);
    process.exit(2);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
