import type { Readable } from 'node:stream';
import { ValidationError } from '../../domain/errors.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type {
  ImportContinuations,
  ImportJob,
  UploadReport,
  UploadStore,
} from '../../ports/intake/uploads.js';
import { type ImportDeps, importHistory } from './import-history.js';

export interface ImportUploadDeps {
  uploads: UploadStore;
  continuations: ImportContinuations;
  shop: (shopId: string) => Promise<ShopSettings | null>;
  importDeps: (shop: ShopSettings) => ImportDeps;
  rows: (input: Readable, key: string) => AsyncIterable<unknown>;
}

/**
 * A history file uploaded to the import bucket, `imports/<shopId>/<file>.csv|jsonl`, imported by the
 * same import as `npm run import`. A file too long for one invocation pauses before the deadline and
 * continues in the next from the row it reached; every write is idempotent, so a retried or resumed
 * job never counts anything twice. The outcome is written beside it as `reports/<shopId>/<file>.json`.
 */
const uploadKey = /^imports\/([a-z0-9-]{2,40})\/([^/]+)$/;

function reportKeyOf(key: string): string {
  return `${key.replace(/^imports\//, 'reports/')}.json`;
}

/**
 * The jobs in a queue message: an S3 event notification (object keys come URL-encoded, spaces as
 * `+`), S3's test event (no jobs), or a continuation this import queued itself.
 */
export function jobsOf(body: unknown): ImportJob[] {
  const message = body as {
    Records?: Array<{ s3?: { bucket?: { name?: string }; object?: { key?: string } } }>;
    bucket?: string;
    key?: string;
    resumeAt?: number;
  };
  if (Array.isArray(message.Records))
    return message.Records.flatMap((r) =>
      r.s3?.bucket?.name && r.s3.object?.key
        ? [{ bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')) }]
        : [],
    );
  if (typeof message.bucket === 'string' && typeof message.key === 'string')
    return [{ bucket: message.bucket, key: message.key, resumeAt: message.resumeAt }];
  return [];
}

/** Primary course: find the shop from the key, import the file (or its rest), and report. */
export async function runImportUpload(
  deps: ImportUploadDeps,
  job: ImportJob,
  options: { now: () => Date; shouldPause: () => boolean; chunkRows?: number },
): Promise<UploadReport> {
  const shopId = uploadKey.exec(job.key)?.[1] ?? null;
  const report = async (fields: Omit<UploadReport, 'file' | 'shopId' | 'updatedAt'>) => {
    const written = { file: job.key, shopId, ...fields, updatedAt: options.now().toISOString() };
    await deps.uploads.writeReport(job.bucket, reportKeyOf(job.key), written);
    return written;
  };
  const shop = shopId ? await deps.shop(shopId) : null;
  if (!shop) {
    const message = shopId ? `no shop ${shopId}` : 'upload to imports/<shopId>/<file>.csv or .jsonl';
    return report({ status: 'rejected', issues: [{ path: 'key', message }] });
  }
  try {
    const result = await importHistory(
      deps.importDeps(shop),
      shop,
      async function* () {
        yield* deps.rows(await deps.uploads.open(job.bucket, job.key), job.key);
      },
      {
        now: options.now(),
        resumeAt: job.resumeAt,
        shouldPause: options.shouldPause,
        chunkRows: options.chunkRows,
      },
    );
    if (result.resumeAt === undefined) return report({ status: 'done', ...result });
    await deps.continuations.resumeLater({ ...job, resumeAt: result.resumeAt });
    return report({ status: 'in-progress', ...result });
  } catch (error) {
    if (error instanceof ValidationError) return report({ status: 'rejected', issues: error.issues });
    throw error;
  }
}
