import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { UploadReport, UploadStore } from '../../ports/intake/uploads.js';

/** Import files are streamed from S3 (never held whole in memory); reports are small JSON objects. */
export class S3UploadStore implements UploadStore {
  constructor(private readonly s3: S3Client) {}

  async open(bucket: string, key: string): Promise<Readable> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return out.Body as Readable;
  }

  async writeReport(bucket: string, key: string, report: UploadReport): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: `${JSON.stringify(report, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  }
}
