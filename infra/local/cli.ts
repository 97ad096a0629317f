import { parseArgs } from 'node:util';
import { control, runCli } from './control-client.js';

/** `npm run local -- <command>`: talks to a running `npm start`. */
const usage = `usage:
  npm run local -- advance <duration>      move the clock forward (2h, 7d, 1d12h); due schedules fire on the way
  npm run local -- fire <schedule> [shop] [--as-of <date>]
                                           run a schedule now: due-steps, segment-refresh (optionally for one
                                           shop; a refresh can compute as of another date, e.g. 2026-06-30)
  npm run local -- state                   the local clock and URLs`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'as-of': { type: 'string' } },
});
const [command, arg, extra] = positionals;
const asOf = values['as-of'];
await runCli(usage, async () => {
  if (command === 'advance' && arg) console.log(await control('/advance', 'POST', { duration: arg }));
  else if (command === 'fire' && arg) {
    const at = asOf && new Date(asOf.length === 10 ? `${asOf}T00:00:00Z` : asOf);
    if (at && Number.isNaN(at.getTime())) return false;
    const detail = { ...(extra && { shopIds: [extra] }), ...(at && { asOf: at.toISOString() }) };
    console.log(await control(`/fire/${arg}`, 'POST', detail));
  } else if (command === 'state') console.log(await control('/state'));
  else return false;
  return true;
});
