import { control, runCli } from './control-client.js';

/** `npm run shop -- <command>`: shops and API keys on the running local stack. */
const usage = `usage:
  npm run shop -- create <name> [--id <shopId>]   new shop; prints its API key alone on the last line
  npm run shop -- list                            shops
  npm run shop -- keys <shopId>                   key prefixes, creation and revocation times
  npm run shop -- rotate <shopId>                 a new key (revoke the old one when clients have it)
  npm run shop -- revoke <shopId> <prefix>        revoke a key by its prefix`;

const call = (method: string, path: string, body?: unknown) => control(`/admin/shops${path}`, method, body);

const [command, a, b, c] = process.argv.slice(2);
await runCli(usage, async () => {
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
  else return false;
  return true;
});
