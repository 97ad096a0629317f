import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { importDeps } from '../../../shared/adapters/dynamodb/import-deps.js';
import { DynamoShopStore } from '../../../shared/adapters/dynamodb/shop-store.js';
import { importFormatOf, importRows } from '../../../shared/adapters/files/import-rows.js';
import type { ImportJob, UploadReport } from '../../../shared/ports/intake/uploads.js';
import {
  type ImportUploadDeps,
  jobsOf,
  runImportUpload,
} from '../../../shared/use-cases/intake/import-upload.js';
import { call, newShop, type Shop, settle, stack, useStackDynamoDb } from '../../support/api.js';

/** The bucket side of an upload (S3 in the cloud; its adapter has its own unit test). */
class Bucket {
  readonly files = new Map<string, string>();
  readonly reports = new Map<string, UploadReport>();
  readonly queued: ImportJob[] = [];
  readonly uploads = {
    open: async (_bucket: string, key: string) => Readable.from([this.files.get(key) ?? '']),
    writeReport: async (_bucket: string, key: string, report: UploadReport) => {
      this.reports.set(key, report);
    },
  };
  readonly continuations = { resumeLater: async (job: ImportJob) => void this.queued.push(job) };
}

const csv = [
  'orderId,customerId,phone,placedAt,paidAt,total,currency,couponCode,sku,category',
  ...Array.from(
    { length: 600 },
    (_, i) =>
      `U-${i},up-${i % 40},,2025-0${1 + (i % 9)}-1${i % 10}T20:00:00+08:00,2025-0${1 + (i % 9)}-1${i % 10}T20:05:00+08:00,${(50 + (i % 7) * 10).toFixed(2)},CNY,${i % 5 === 0 ? 'TEA10' : ''},SKU-${i % 13},oolong`,
  ),
].join('\n');

let shop: Shop;
let deps: (bucket: Bucket) => ImportUploadDeps;
const options = (pauseAfter = Number.POSITIVE_INFINITY) => {
  let asked = 0;
  return { now: () => new Date(), shouldPause: () => ++asked >= pauseAfter, chunkRows: 500 };
};

beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
  const doc = createDocumentClient();
  const shops = new DynamoShopStore(doc, stack().tableName);
  deps = (bucket) => ({
    uploads: bucket.uploads,
    continuations: bucket.continuations,
    shop: (id) => shops.getShop(id),
    importDeps: (settings) => importDeps(doc, stack().tableName, settings),
    rows: (input, key) => importRows(input, importFormatOf(key)),
  });
});

describe('import of an uploaded file', () => {
  it('reads the shop from the key, imports the file in parts across invocations, and reports', async () => {
    const bucket = new Bucket();
    const key = `imports/${shop.shopId}/orders 2025.csv`;
    bucket.files.set(key, csv);
    // S3 sends the key URL-encoded, spaces as '+'.
    const [job] = jobsOf({
      Records: [{ s3: { bucket: { name: 'b' }, object: { key: `imports/${shop.shopId}/orders+2025.csv` } } }],
    });
    expect(job).toEqual({ bucket: 'b', key });

    const first = await runImportUpload(deps(bucket), job as ImportJob, options(1));
    expect(first).toMatchObject({ status: 'in-progress', rows: 500, resumeAt: 500 });
    expect(bucket.queued).toEqual([{ bucket: 'b', key, resumeAt: 500 }]);
    const [next] = jobsOf(JSON.parse(JSON.stringify(bucket.queued[0])));
    const done = await runImportUpload(deps(bucket), next as ImportJob, options());
    expect(done).toMatchObject({ status: 'done', rows: 600, accepted: 100 });
    expect(bucket.reports.get(`reports/${shop.shopId}/orders 2025.csv.json`)).toEqual(done);

    // The same file uploaded again counts nothing twice.
    expect(await runImportUpload(deps(bucket), job as ImportJob, options())).toMatchObject({
      status: 'done',
      accepted: 0,
      duplicates: 600,
    });
    await settle();
    const stats = (await call(shop, 'GET', '/v1/customers/up-0')).body.stats;
    expect(stats.paidOrderCount).toBe(15);
  });

  it('rejects a file with a bad row, a key without a shop, and an unknown shop, in the report', async () => {
    const bucket = new Bucket();
    bucket.files.set(`imports/${shop.shopId}/bad.jsonl`, '{"orderId":"X-1","total":"ten"}\nnot json\n');
    const bad = await runImportUpload(
      deps(bucket),
      { bucket: 'b', key: `imports/${shop.shopId}/bad.jsonl` },
      options(),
    );
    expect(bad.status).toBe('rejected');
    expect(bad.issues?.map((i) => i.path)).toContain('row.1');
    expect(await runImportUpload(deps(bucket), { bucket: 'b', key: 'orders.csv' }, options())).toMatchObject({
      status: 'rejected',
      shopId: null,
    });
    expect(
      await runImportUpload(deps(bucket), { bucket: 'b', key: 'imports/no-such-shop/orders.csv' }, options()),
    ).toMatchObject({ status: 'rejected', issues: [{ path: 'key', message: 'no shop no-such-shop' }] });
    expect(jobsOf({ Service: 'Amazon S3', Event: 's3:TestEvent' })).toEqual([]);
  });
});
