import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalFacts } from './runtime.js';

/** `npm run local -- <command>`: talks to a running `npm start`. */
const usage = `usage:
  npm run local -- advance <duration>      move the clock forward (2h, 7d, 1d12h); due schedules fire on the way
  npm run local -- fire <schedule> [shop]  run a schedule now: due-steps, segment-refresh (optionally for one shop)
  npm run local -- state                   the local clock and URLs`;

const [command, arg, extra] = process.argv.slice(2);
const dataDir = process.env.HUITOU_DATA_DIR ?? '.huitou';
let facts: LocalFacts;
try {
  facts = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8'));
} catch {
  console.error(`No ${dataDir}/local.json: is \`npm start\` running?`);
  process.exit(1);
}

async function call(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${facts.controlUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status}: ${text}`);
  return JSON.parse(text);
}

try {
  if (command === 'advance' && arg) console.log(await call('/advance', { duration: arg }));
  else if (command === 'fire' && arg)
    console.log(await call(`/fire/${arg}`, extra ? { shopIds: [extra] } : {}));
  else if (command === 'state') console.log(await call('/state'));
  else {
    console.error(usage);
    process.exit(2);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
