import {
  BadRequestException,
  MessageRejected,
  type SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { type OutgoingMessage, PermanentSendError } from '../../domain/sending/messages.js';
import type { MessageChannel } from '../../ports/sending/messaging.js';

/** Email through SES v2. Tags carry the send's ids so configuration-set events map back to it. */
export class SesEmailChannel implements MessageChannel {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async deliver(m: OutgoingMessage): Promise<string> {
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [m.to] },
          ConfigurationSetName: this.configurationSet,
          EmailTags: [
            { Name: 'shopId', Value: m.shopId },
            { Name: 'sendId', Value: m.sendId },
          ],
          Content: {
            Simple: {
              Subject: { Data: m.subject ?? '', Charset: 'UTF-8' },
              Body: {
                Text: { Data: m.text, Charset: 'UTF-8' },
                ...(m.html ? { Html: { Data: m.html, Charset: 'UTF-8' } } : {}),
              },
            },
          },
        }),
      );
      return out.MessageId ?? '';
    } catch (error) {
      if (error instanceof MessageRejected || error instanceof BadRequestException)
        throw new PermanentSendError(error.message);
      throw error;
    }
  }
}
