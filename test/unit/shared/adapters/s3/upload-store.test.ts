import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { importRows } from '../../../../../shared/adapters/files/import-rows.js';
import { S3UploadStore } from '../../../../../shared/adapters/s3/upload-store.js';

const s3 = mockClient(S3Client);

beforeEach(() => s3.reset());

describe('S3 upload store', () => {
  it('streams the uploaded file into import rows', async () => {
    s3.on(GetObjectCommand, { Bucket: 'imports-bucket', Key: 'imports/shop-1/orders.csv' }).resolves({
      // In Node the SDK's body is a readable stream of the object's bytes.
      Body: Readable.from(['orderId,total\nA-1,10\n', 'A-2,20\n']) as never,
    });
    const body = await new S3UploadStore(new S3Client({})).open(
      'imports-bucket',
      'imports/shop-1/orders.csv',
    );
    const rows = [];
    for await (const row of importRows(body, 'csv')) rows.push(row);
    expect(rows).toEqual([
      { orderId: 'A-1', total: '10' },
      { orderId: 'A-2', total: '20' },
    ]);
  });

  it('writes the report as JSON next to the upload', async () => {
    s3.on(PutObjectCommand).resolves({});
    await new S3UploadStore(new S3Client({})).writeReport(
      'imports-bucket',
      'reports/shop-1/orders.csv.json',
      {
        file: 'imports/shop-1/orders.csv',
        shopId: 'shop-1',
        status: 'done',
        rows: 2,
        updatedAt: '2026-11-23T10:00:00.000Z',
      },
    );
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'imports-bucket',
      Key: 'reports/shop-1/orders.csv.json',
      ContentType: 'application/json',
    });
    expect(JSON.parse(String(input?.Body))).toMatchObject({ status: 'done', rows: 2 });
  });
});
