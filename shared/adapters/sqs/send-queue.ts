import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OutgoingMessage } from '../../domain/sending/messages.js';
import type { SendRequest } from '../../domain/sending/send-request.js';
import type { SendQueue } from '../../ports/sending/messaging.js';
import type { SendRequestQueue } from '../../ports/sending/send-queue.js';
import { sendJsonBatch } from './send-batch.js';

/** The send queue: SendRequests, ten to a call. */
export class SqsSendQueue implements SendRequestQueue, SendQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Queues send requests. (The due-steps runner still queues the old OutgoingMessage through the
   * deprecated SendQueue port until it moves to SendRequest; the sender refuses those.)
   */
  enqueue(requests: SendRequest[] | OutgoingMessage[]): Promise<void> {
    return sendJsonBatch(this.sqs, this.queueUrl, requests, 'send requests');
  }
}
