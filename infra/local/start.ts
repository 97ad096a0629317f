import { parseArgs } from 'node:util';
import { defaultPorts, startLocalRuntime } from './runtime.js';

/** `npm start`: the whole system on this machine, until Ctrl-C. */
const { values } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: process.env.HUITOU_DATA_DIR ?? '.huitou' },
    'api-port': { type: 'string', default: process.env.HUITOU_API_PORT ?? String(defaultPorts.api) },
    'dynamodb-port': {
      type: 'string',
      default: process.env.HUITOU_DYNAMODB_PORT ?? String(defaultPorts.dynamodb),
    },
    'ses-port': { type: 'string', default: process.env.HUITOU_SES_PORT ?? String(defaultPorts.ses) },
    'demo-customers': { type: 'string', default: process.env.HUITOU_DEMO_CUSTOMERS ?? '3000' },
  },
});

const log = (line: string) => console.error(`[huitou] ${line}`);

try {
  const runtime = await startLocalRuntime({
    dataDir: values['data-dir'] as string,
    inMemory: Boolean(values['in-memory']),
    ports: {
      api: Number(values['api-port']),
      dynamodb: Number(values['dynamodb-port']),
      ses: Number(values['ses-port']),
    },
    demoShop: true,
    demoCustomers: Number(values['demo-customers']),
    realTimeClock: true,
    log,
  });
  console.log(`
huitou is running locally.
  API            ${runtime.apiUrl}/v1   (OpenAPI: ${runtime.apiUrl}/v1/openapi.json)
  Mail viewer    ${runtime.sesUrl}
  SMS outbox     ${runtime.smsOutbox}
  DynamoDB       ${runtime.dynamodbEndpoint}   (table ${runtime.tableName})
  Demo shop      ${runtime.shopId}
  API key        ${runtime.apiKey}
  Facts for scripts: ${values['data-dir']}/local.json
Drive the clock from another terminal: npm run local -- advance 2h | fire due-steps | fire segment-refresh
Ctrl-C stops everything.`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  log((error as Error).message);
  process.exit(1);
}
