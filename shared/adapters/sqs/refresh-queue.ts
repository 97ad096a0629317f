import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RefreshQueue, RefreshTask } from '../../ports/segments/refresh-runs.js';
import { sendJsonBatch } from './send-batch.js';

export class SqsRefreshQueue implements RefreshQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(tasks: RefreshTask[]): Promise<void> {
    return sendJsonBatch(this.sqs, this.queueUrl, tasks, 'refresh tasks');
  }
}
