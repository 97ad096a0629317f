import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OutgoingMessage } from '../../domain/sending/messages.js';
import type { MessageChannel } from '../../ports/sending/messaging.js';

/** SMS written to a JSON-lines file instead of a phone: the local stack's SMS provider. */
export class SmsOutboxChannel implements MessageChannel {
  constructor(private readonly file: string) {}

  async deliver(m: OutgoingMessage): Promise<string> {
    const id = randomUUID();
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(
      this.file,
      `${JSON.stringify({ id, at: new Date().toISOString(), to: m.to, text: m.text, sendId: m.sendId, shopId: m.shopId })}\n`,
    );
    return id;
  }
}
