import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SendRequest } from '../../domain/sending/send-request.js';
import type { SendRequestQueue } from '../../ports/sending/send-queue.js';
import { sendJsonBatch } from './send-batch.js';

/** Send requests on the send queue, one a message, ten a call. */
export class SqsSendRequestQueue implements SendRequestQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(requests: SendRequest[]): Promise<void> {
    return sendJsonBatch(this.sqs, this.queueUrl, requests, 'send requests');
  }
}
