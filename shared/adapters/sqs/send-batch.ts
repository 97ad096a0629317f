import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunk } from '../../domain/collections.js';

/** Queues JSON bodies ten to a call (SQS's batch limit); any refused entry fails the whole call. */
export async function sendJsonBatch(
  sqs: SQSClient,
  queueUrl: string,
  bodies: unknown[],
  what: string,
): Promise<void> {
  for (const part of chunk(bodies, 10)) {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: part.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
      }),
    );
    if (out.Failed && out.Failed.length > 0)
      throw new Error(
        `SQS refused ${out.Failed.length} ${what}: ${out.Failed.map((f) => f.Message).join('; ')}`,
      );
  }
}
