import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoEventStore } from '../../shared/adapters/dynamodb/event-store.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { eventExpiry } from '../../shared/domain/profile.js';
import { importHistory } from '../../shared/use-cases/import-history.js';
import { localFacts } from './control-client.js';

/** `npm run import -- --shop <shop> FILE`: order history (CSV with a header, or JSON lines) into a running local stack. */
const { values, positionals } = parseArgs({ options: { shop: { type: 'string' } }, allowPositionals: true });
const file = positionals[0];
if (!values.shop || !file) {
  console.error('usage: npm run import -- --shop <shopId> FILE.csv|FILE.jsonl');
  process.exit(2);
}
const facts = localFacts();
Object.assign(process.env, {
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: facts.dynamodbEndpoint,
});

async function* rows(): AsyncIterable<unknown> {
  if (file?.endsWith('.csv')) {
    yield* createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, trim: true }));
    return;
  }
  for await (const line of createInterface({ input: createReadStream(file as string) })) {
    if (line.trim()) yield JSON.parse(line);
  }
}

const doc = createDocumentClient();
const shop = await new DynamoShopStore(doc, facts.tableName).getShop(values.shop);
if (!shop) {
  console.error(`no shop ${values.shop}; create one with: npm run shop -- create <name>`);
  process.exit(1);
}
const started = Date.now();
try {
  const report = await importHistory(
    new DynamoEventStore(doc, facts.tableName, (e) => eventExpiry(e, shop)),
    shop,
    rows,
    new Date(),
    (r) =>
      process.stderr.write(`\r${r.rows} rows, ${r.accepted} events accepted, ${r.duplicates} duplicates`),
  );
  console.error('');
  console.log(JSON.stringify({ ...report, seconds: (Date.now() - started) / 1000 }));
} catch (error) {
  if (error instanceof ValidationError) {
    console.error('Nothing was imported; fix these rows and run again:');
    for (const i of error.issues) console.error(`  row ${i.index}: ${i.path}: ${i.message}`);
    process.exit(1);
  }
  throw error;
}
