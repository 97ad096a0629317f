import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunk } from '../../domain/collections.js';
import type { OutgoingMessage } from '../../domain/sending/messages.js';
import type { SendQueue } from '../../ports/sending/messaging.js';

export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: OutgoingMessage[]): Promise<void> {
    for (const part of chunk(messages, 10)) {
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: part.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) })),
        }),
      );
      if (out.Failed && out.Failed.length > 0) {
        throw new Error(
          `SQS refused ${out.Failed.length} messages: ${out.Failed.map((f) => f.Message).join('; ')}`,
        );
      }
    }
  }
}
