import { control, runCli } from './control-client.js';

/** `npm run local -- <command>`: talks to a running `npm start`. */
const usage = `usage:
  npm run local -- advance <duration>      move the clock forward (2h, 7d, 1d12h); due schedules fire on the way
  npm run local -- fire <schedule> [shop]  run a schedule now: due-steps, segment-refresh (optionally for one shop)
  npm run local -- state                   the local clock and URLs`;

const [command, arg, extra] = process.argv.slice(2);
await runCli(usage, async () => {
  if (command === 'advance' && arg) console.log(await control('/advance', 'POST', { duration: arg }));
  else if (command === 'fire' && arg)
    console.log(await control(`/fire/${arg}`, 'POST', extra ? { shopIds: [extra] } : {}));
  else if (command === 'state') console.log(await control('/state'));
  else return false;
  return true;
});
