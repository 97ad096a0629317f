import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `npm run shop -- <command>`: shops and API keys on the running local stack. */
const usage = `usage:
  npm run shop -- create <name> [--id <shopId>]   new shop; prints its API key alone on the last line
  npm run shop -- list                            shops
  npm run shop -- keys <shopId>                   key prefixes, creation and revocation times
  npm run shop -- rotate <shopId>                 a new key (revoke the old one when clients have it)
  npm run shop -- revoke <shopId> <prefix>        revoke a key by its prefix`;

const args = process.argv.slice(2);
const dataDir = process.env.HUITOU_DATA_DIR ?? '.huitou';
let controlUrl: string;
try {
  controlUrl = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')).controlUrl;
} catch {
  console.error(`No ${dataDir}/local.json: is \`npm start\` running?`);
  process.exit(1);
}

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${controlUrl}/shops${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.status}: ${JSON.stringify(json)}`);
  return json;
}

const [command, a, b, c] = args;
try {
  if (command === 'create' && a) {
    const out = await call('POST', '', { name: a, ...(b === '--id' && c ? { shopId: c } : {}) });
    console.log(`shop ${out.shopId} created; its API key (shown once):`);
    console.log(out.apiKey);
  } else if (command === 'list') console.log(await call('GET', ''));
  else if (command === 'keys' && a) console.log(await call('GET', `/${a}/keys`));
  else if (command === 'rotate' && a) {
    const out = await call('POST', `/${a}/keys`);
    console.log(
      `new key for ${a} (shown once); revoke the old one with: npm run shop -- revoke ${a} <prefix>`,
    );
    console.log(out.apiKey);
  } else if (command === 'revoke' && a && b) console.log(await call('DELETE', `/${a}/keys/${b}`));
  else {
    console.error(usage);
    process.exit(2);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
