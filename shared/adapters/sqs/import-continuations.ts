import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ImportContinuations, ImportJob } from '../../ports/intake/uploads.js';

/** A paused import goes back on its own queue, to continue in a fresh invocation. */
export class SqsImportContinuations implements ImportContinuations {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async resumeLater(job: ImportJob): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
    );
  }
}
