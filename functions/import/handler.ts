import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { importDeps } from '../../shared/adapters/dynamodb/import-deps.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { importFormatOf, importRows } from '../../shared/adapters/files/import-rows.js';
import { S3UploadStore } from '../../shared/adapters/s3/upload-store.js';
import { SqsImportContinuations } from '../../shared/adapters/sqs/import-continuations.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { observability } from '../../shared/observability.js';
import { jobsOf, runImportUpload } from '../../shared/use-cases/intake/import-upload.js';

const { logger, tracer } = observability('import');
const config = loadConfig();
if (!config.IMPORT_QUEUE_URL) throw new Error('IMPORT_QUEUE_URL is required');
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const shops = new DynamoShopStore(doc, config.TABLE_NAME);
const deps = {
  uploads: new S3UploadStore(tracer.captureAWSv3Client(new S3Client({}))),
  continuations: new SqsImportContinuations(
    tracer.captureAWSv3Client(new SQSClient({})),
    config.IMPORT_QUEUE_URL,
  ),
  shop: (shopId: string) => shops.getShop(shopId),
  importDeps: (shop: Parameters<typeof importDeps>[2]) => importDeps(doc, config.TABLE_NAME, shop),
  rows: (input: Parameters<typeof importRows>[0], key: string) => importRows(input, importFormatOf(key)),
};

/** Two minutes before the deadline the import pauses and queues the rest of the file. */
const pauseBeforeDeadlineMs = 120_000;
const processor = new BatchProcessor(EventType.SQS);

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      for (const job of jobsOf(JSON.parse(record.body))) {
        const report = await runImportUpload(deps, job, {
          now,
          shouldPause: () => context.getRemainingTimeInMillis() < pauseBeforeDeadlineMs,
        });
        logger.info('Import', { ...report, issues: report.issues?.length });
      }
    },
    processor,
    { context },
  ),
).use(injectLambdaContext(logger, { resetKeys: true }));
