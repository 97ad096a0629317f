import type { SQSClient } from '@aws-sdk/client-sqs';
import type { HolidayQueue, HolidayTask } from '../../ports/journeys/holiday-runs.js';
import { sendJsonBatch } from './send-batch.js';

/** Holiday pages travel on the campaign queue: the launch worker tells them apart by `kind`. */
export class SqsHolidayQueue implements HolidayQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(tasks: HolidayTask[]): Promise<void> {
    return sendJsonBatch(this.sqs, this.queueUrl, tasks, 'holiday tasks');
  }
}
