import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * One of the wiring's SQS queues on a laptop: answers the two SQS calls huitou makes (SendMessage,
 * SendMessageBatch, JSON protocol) at AWS_ENDPOINT_URL_SQS, and delivers to the consumer as the SQS
 * event source would: batches, partial failures redelivered, and after maxReceiveCount a dead-letter
 * file; several consumers at once where the wiring allows it.
 */
export class LocalQueue {
  private readonly pending: Array<{ record: SQSRecord; receives: number }> = [];
  private delivering: Promise<void> | null = null;

  constructor(
    private readonly options: {
      queueArn: string;
      batchSize: number;
      /** Consumers running side by side, as Lambda runs several invocations of one event source. */
      workers?: number;
      maxReceiveCount: number;
      consumer: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
      deadLetterFile: string;
      /** Every message body received, one JSON line each: what a person or a test inspects. */
      journalFile?: string;
      /**
       * Waited for before a failed message is redelivered: the work of the other queues. On AWS the
       * visibility timeout (minutes) outlasts what a redelivery may depend on, such as SES's Send
       * event settling a send the sender crashed after; here that order is kept without a clock.
       */
      beforeRedelivery?: () => Promise<void>;
      log: (line: string) => void;
    },
  ) {}

  /** Handles one SQS API request addressed to this queue. */
  handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const input = JSON.parse(body || '{}') as {
      MessageBody?: string;
      Entries?: Array<{ Id: string; MessageBody: string }>;
    };
    const entries = target.endsWith('.SendMessageBatch')
      ? (input.Entries ?? [])
      : [{ Id: '0', MessageBody: input.MessageBody ?? '' }];
    if (!target.endsWith('.SendMessageBatch') && !target.endsWith('.SendMessage')) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.sqs#UnsupportedOperation',
          message: `${target} is not emulated locally`,
        }),
      );
      return;
    }
    const results = entries.map((e) => ({ Id: e.Id, ...this.accept(e.MessageBody) }));
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(
      JSON.stringify(target.endsWith('.SendMessageBatch') ? { Successful: results, Failed: [] } : results[0]),
    );
    void this.drain();
  }

  /** Puts a message on the queue, as an AWS service subscribed to it would (the local SES event destination). */
  enqueue(body: string): void {
    this.accept(body);
    void this.drain();
  }

  private accept(body: string): { MessageId: string; MD5OfMessageBody: string } {
    const messageId = randomUUID();
    const md5 = createHash('md5').update(body).digest('hex');
    this.pending.push({ record: this.record(messageId, body, md5), receives: 0 });
    if (this.options.journalFile)
      appendFileSync(this.options.journalFile, `${JSON.stringify({ at: new Date().toISOString(), body })}\n`);
    return { MessageId: messageId, MD5OfMessageBody: md5 };
  }

  /** Delivers until the queue is empty (redeliveries included). */
  drain(): Promise<void> {
    this.delivering ??= this.deliverAll().finally(() => {
      this.delivering = null;
    });
    return this.delivering;
  }

  get depth(): number {
    return this.pending.length;
  }

  private async deliverAll(): Promise<void> {
    // A worker that finds the queue empty stops; another's redelivery or new messages restart them.
    while (this.pending.length > 0)
      await Promise.all(Array.from({ length: this.options.workers ?? 1 }, () => this.deliverSome()));
  }

  private async deliverSome(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      for (const item of batch) item.receives += 1;
      let failed = new Set<string>();
      try {
        const response = await this.options.consumer({ Records: batch.map((b) => b.record) });
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        // Powertools' full-batch failure keeps the records' own errors apart: show the first.
        const cause = (error as { recordErrors?: Error[] }).recordErrors?.[0]?.message;
        this.options.log(`queue consumer threw: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
        failed = new Set(batch.map((b) => b.record.messageId));
      }
      const retried = batch.filter((b) => failed.has(b.record.messageId));
      if (retried.some((item) => item.receives < this.options.maxReceiveCount))
        await this.options.beforeRedelivery?.();
      for (const item of retried) {
        if (item.receives >= this.options.maxReceiveCount) {
          appendFileSync(
            this.options.deadLetterFile,
            `${JSON.stringify({ at: new Date().toISOString(), body: item.record.body })}\n`,
          );
          this.options.log(`message ${item.record.messageId} moved to ${this.options.deadLetterFile}`);
        } else {
          this.pending.push(item);
        }
      }
    }
  }

  private record(messageId: string, body: string, md5: string): SQSRecord {
    return {
      messageId,
      receiptHandle: messageId,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: md5,
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: 'local',
    };
  }
}
