import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { importDeps } from '../../shared/adapters/dynamodb/import-deps.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { importFormatOf, importRows } from '../../shared/adapters/files/import-rows.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { importHistory } from '../../shared/use-cases/intake/import-history.js';
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

const rows = () => importRows(createReadStream(file), importFormatOf(file));

const doc = createDocumentClient();
const shop = await new DynamoShopStore(doc, facts.tableName).getShop(values.shop);
if (!shop) {
  console.error(`no shop ${values.shop}; create one with: npm run shop -- create <name>`);
  process.exit(1);
}
const started = Date.now();
try {
  const report = await importHistory(importDeps(doc, facts.tableName, shop), shop, rows, {
    now: new Date(),
    onProgress: (r) =>
      process.stderr.write(
        `\r${r.rows} rows, ${r.accepted} events accepted, ${r.duplicates} duplicates, ${r.customers} customers`,
      ),
  });
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
