import { InvalidParameterException, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type OutgoingMessage, PermanentSendError } from '../../domain/sending/messages.js';
import type { MessageChannel } from '../../ports/sending/messaging.js';

/**
 * SMS through SNS direct publish to a phone number, transactional so it is not throttled as marketing.
 * Attributes carry the send's ids, as the email tags do, so what was published maps back to the send.
 */
export class SnsSmsChannel implements MessageChannel {
  constructor(private readonly sns: SNSClient) {}

  async deliver(m: OutgoingMessage): Promise<string> {
    try {
      const out = await this.sns.send(
        new PublishCommand({
          PhoneNumber: m.to,
          Message: m.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            shopId: { DataType: 'String', StringValue: m.shopId },
            sendId: { DataType: 'String', StringValue: m.sendId },
          },
        }),
      );
      return out.MessageId ?? '';
    } catch (error) {
      if (error instanceof InvalidParameterException) throw new PermanentSendError(error.message);
      throw error;
    }
  }
}
