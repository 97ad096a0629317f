import {
  AccountSuspendedException,
  BadRequestException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  type SESv2Client,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { PermanentSendError, ThrottledError } from '../../domain/sending/messages.js';
import { messageTags } from '../../domain/sending/ses-events.js';
import type { Accepted, EmailChannel, OutgoingEmail } from '../../ports/sending/messaging.js';
import { tenantNameOf } from './tenant-name.js';

/** SES's list price per email sent, US$0.10 per 1,000: 100 millionths of a dollar each. */
export const sesPriceMicros = 100;

export interface EmailSettings {
  from: string;
  configurationSet?: string;
  /** Send as the shop's tenant; off where tenants are not set up (the local emulator ignores it). */
  tenants: boolean;
}

/**
 * Email through SES v2: one recipient per call (opens and clicks are per send), the configuration set
 * (its event destination feeds tracking), the send and shop ids as message tags, huitou's own headers
 * (List-Unsubscribe, RFC 8058 one-click), an HTML and a text part.
 */
export class SesEmailChannel implements EmailChannel {
  constructor(
    private readonly ses: SESv2Client,
    private readonly settings: EmailSettings,
  ) {}

  async send(m: OutgoingEmail): Promise<Accepted> {
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: m.from ?? this.settings.from,
          ...(m.replyTo?.length ? { ReplyToAddresses: m.replyTo } : {}),
          Destination: { ToAddresses: [m.to] },
          ConfigurationSetName: this.settings.configurationSet,
          ...(this.settings.tenants ? { TenantName: tenantNameOf(m.shopId) } : {}),
          EmailTags: [
            { Name: messageTags.shopId, Value: m.shopId },
            { Name: messageTags.sendId, Value: m.sendId },
          ],
          Content: {
            Simple: {
              Subject: { Data: m.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: m.text, Charset: 'UTF-8' },
                Html: { Data: m.html, Charset: 'UTF-8' },
              },
              Headers: Object.entries(m.headers).map(([Name, Value]) => ({ Name, Value })),
            },
          },
        }),
      );
      if (!out.MessageId) throw new Error('SES accepted the email without a message id');
      return { providerMessageId: out.MessageId, costMicros: sesPriceMicros };
    } catch (error) {
      if (error instanceof TooManyRequestsException || error instanceof LimitExceededException)
        throw new ThrottledError(error.message);
      if (
        error instanceof MessageRejected ||
        error instanceof BadRequestException ||
        error instanceof MailFromDomainNotVerifiedException ||
        error instanceof AccountSuspendedException ||
        error instanceof SendingPausedException
      )
        throw new PermanentSendError(`${error.name}: ${error.message}`);
      throw error;
    }
  }
}
