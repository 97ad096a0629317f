import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CampaignQueue, LaunchTask } from '../../ports/campaigns/campaign-store.js';
import { sendJsonBatch } from './send-batch.js';

export class SqsCampaignQueue implements CampaignQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(tasks: LaunchTask[]): Promise<void> {
    return sendJsonBatch(this.sqs, this.queueUrl, tasks, 'campaign tasks');
  }
}
