import {
  InvalidParameterException,
  InvalidParameterValueException,
  OptedOutException,
  PublishCommand,
  type SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { PermanentSendError, ThrottledError } from '../../domain/sending/messages.js';
import type { Accepted, OutgoingSms, SmsChannel } from '../../ports/sending/messaging.js';

export interface SmsSettings {
  /** The most one SMS may cost, in US dollars (`AWS.SNS.SMS.MaxPrice`): SNS refuses dearer routes. */
  maxPriceUsd: number;
  /** What an SMS is assumed to cost when recorded (SNS does not say per publish), millionths of a dollar. */
  priceMicros: number;
  senderId?: string;
}

/**
 * SMS through SNS, published straight to the phone number: transactional routing (delivery over
 * price), a maximum price per message, the send's ids as attributes. The template carries the opt-out
 * wording carriers require for marketing (default-templates.ts).
 */
export class SnsSmsChannel implements SmsChannel {
  constructor(
    private readonly sns: SNSClient,
    private readonly settings: SmsSettings,
  ) {}

  async send(m: OutgoingSms): Promise<Accepted> {
    const attribute = (StringValue: string, DataType = 'String') => ({ DataType, StringValue });
    try {
      const out = await this.sns.send(
        new PublishCommand({
          PhoneNumber: m.to,
          Message: m.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': attribute('Transactional'),
            'AWS.SNS.SMS.MaxPrice': attribute(
              (m.maxPriceUsd ?? this.settings.maxPriceUsd).toFixed(5),
              'Number',
            ),
            ...(this.settings.senderId ? { 'AWS.SNS.SMS.SenderID': attribute(this.settings.senderId) } : {}),
            shopId: attribute(m.shopId),
            sendId: attribute(m.sendId),
          },
        }),
      );
      if (!out.MessageId) throw new Error('SNS accepted the SMS without a message id');
      return { providerMessageId: out.MessageId, costMicros: this.settings.priceMicros };
    } catch (error) {
      if (error instanceof ThrottledException) throw new ThrottledError(error.message);
      if (
        error instanceof InvalidParameterException ||
        error instanceof InvalidParameterValueException ||
        error instanceof OptedOutException
      )
        throw new PermanentSendError(`${error.name}: ${error.message}`);
      throw error;
    }
  }
}
