import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OutgoingMessage } from '../../domain/sending/messages.js';
import type { SendQueue } from '../../ports/sending/messaging.js';
import { sendJsonBatch } from './send-batch.js';

export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(messages: OutgoingMessage[]): Promise<void> {
    return sendJsonBatch(this.sqs, this.queueUrl, messages, 'messages');
  }
}
