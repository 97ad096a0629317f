import {
  AlreadyExistsException,
  CreateTenantCommand,
  CreateTenantResourceAssociationCommand,
  GetAccountCommand,
  GetTenantCommand,
  LimitExceededException,
  MessageRejected,
  NotFoundException,
  PutTenantSuppressionAttributesCommand,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
  UpdateReputationEntityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import { OptedOutException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesEmailChannel } from '../../../../../shared/adapters/ses/email-channel.js';
import { SesTenants, sesSendQuota } from '../../../../../shared/adapters/ses/tenants.js';
import { SnsSmsChannel } from '../../../../../shared/adapters/sns/sms-channel.js';
import { listUnsubscribeHeaders } from '../../../../../shared/domain/sending/links.js';
import { PermanentSendError, ThrottledError } from '../../../../../shared/domain/sending/messages.js';

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
beforeEach(() => {
  ses.reset();
  sns.reset();
});

const email = {
  sendId: '0123456789abcdef0123456789abcdef',
  shopId: 'tea',
  to: 'alice@example.com',
  subject: '你好 Alice',
  html: '<p>Hi</p>',
  text: 'Hi',
  headers: listUnsubscribeHeaders('https://links.example/u?s=tea&sig=x'),
};
const meta = { $metadata: {} };

describe('SES email channel', () => {
  const channel = (tenants = true) =>
    new SesEmailChannel(new SESv2Client({}), {
      from: 'Tea House <shop@tea.example>',
      configurationSet: 'huitou',
      tenants,
    });

  it('sends one recipient per call with the configuration set, tenant, tags, headers and both parts', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    expect(await channel().send(email)).toEqual({ providerMessageId: 'ses-1', costMicros: 100 });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: 'Tea House <shop@tea.example>',
      Destination: { ToAddresses: ['alice@example.com'] },
      ConfigurationSetName: 'huitou',
      TenantName: 'huitou-tea',
      EmailTags: [
        { Name: 'shop_id', Value: 'tea' },
        { Name: 'send_id', Value: email.sendId },
      ],
      Content: {
        Simple: {
          Subject: { Data: '你好 Alice', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Hi', Charset: 'UTF-8' }, Html: { Data: '<p>Hi</p>', Charset: 'UTF-8' } },
          Headers: [
            { Name: 'List-Unsubscribe', Value: '<https://links.example/u?s=tea&sig=x>' },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
    });
    await channel(false).send(email);
    expect(ses.commandCalls(SendEmailCommand)[1]?.args[0].input.TenantName).toBeUndefined();
  });

  it('tells throttling (retry after back-off) from refusals (never retried)', async () => {
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    await expect(channel().send(email)).rejects.toBeInstanceOf(ThrottledError);
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified', $metadata: {} }));
    await expect(channel().send(email)).rejects.toBeInstanceOf(PermanentSendError);
    ses.on(SendEmailCommand).rejects(new Error('socket hang up'));
    await expect(channel().send(email)).rejects.not.toBeInstanceOf(PermanentSendError);
  });
});

describe('SES tenants', () => {
  const setup = {
    resourceArns: [
      'arn:aws:ses:eu-west-1:1:identity/shop.example',
      'arn:aws:ses:eu-west-1:1:configuration-set/huitou',
    ],
    reputationPolicy: 'arn:aws:ses:eu-west-1:aws:reputation-policy/standard',
  };
  const tenants = () => new SesTenants(new SESv2Client({}), setup);
  const exists = () => new AlreadyExistsException({ message: 'exists', $metadata: {} });
  const tenantArn = 'arn:aws:ses:eu-west-1:1:tenant/huitou-tea/tn-1';

  it('creates the shop’s tenant with its own suppression list, the resources it sends with and the reputation policy', async () => {
    ses.on(CreateTenantCommand).resolves({ TenantName: 'huitou-tea', TenantArn: tenantArn });
    ses.on(CreateTenantResourceAssociationCommand).resolves(meta);
    ses.on(UpdateReputationEntityPolicyCommand).resolves(meta);
    expect(await tenants().ensureTenant('tea')).toEqual({ name: 'huitou-tea', arn: tenantArn });
    expect(ses.commandCalls(CreateTenantCommand).map((c) => c.args[0].input)).toEqual([
      {
        TenantName: 'huitou-tea',
        Tags: [{ Key: 'huitou:shop', Value: 'tea' }],
        SuppressionAttributes: { SuppressionScope: 'TENANT', SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      },
    ]);
    expect(ses.commandCalls(CreateTenantResourceAssociationCommand).map((c) => c.args[0].input)).toEqual(
      setup.resourceArns.map((ResourceArn) => ({ TenantName: 'huitou-tea', ResourceArn })),
    );
    expect(ses.commandCalls(UpdateReputationEntityPolicyCommand).map((c) => c.args[0].input)).toEqual([
      {
        ReputationEntityType: 'RESOURCE',
        ReputationEntityReference: tenantArn,
        ReputationEntityPolicy: setup.reputationPolicy,
      },
    ]);
    expect(ses.commandCalls(PutTenantSuppressionAttributesCommand)).toHaveLength(0);
  });

  it('names the tenant the sender sends as', async () => {
    ses.on(CreateTenantCommand).resolves({ TenantArn: tenantArn });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const { name } = await tenants().ensureTenant('tea');
    await new SesEmailChannel(new SESv2Client({}), { from: 'care@shop.example', tenants: true }).send(email);
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.TenantName).toBe(name);
  });

  it('completes a tenant that exists already: suppression set again, its ARN read back, the policy set on it', async () => {
    ses.on(CreateTenantCommand).rejects(exists());
    ses.on(PutTenantSuppressionAttributesCommand).resolves(meta);
    ses.on(GetTenantCommand).resolves({ Tenant: { TenantName: 'huitou-tea', TenantArn: tenantArn } });
    ses.on(CreateTenantResourceAssociationCommand).rejectsOnce(exists()).resolves(meta);
    ses.on(UpdateReputationEntityPolicyCommand).resolves(meta);
    expect(await tenants().ensureTenant('tea')).toEqual({ name: 'huitou-tea', arn: tenantArn });
    expect(ses.commandCalls(PutTenantSuppressionAttributesCommand)[0]?.args[0].input).toEqual({
      TenantName: 'huitou-tea',
      SuppressionScope: 'TENANT',
      SuppressedReasons: ['BOUNCE', 'COMPLAINT'],
    });
    expect(ses.commandCalls(GetTenantCommand)[0]?.args[0].input).toEqual({ TenantName: 'huitou-tea' });
    expect(ses.commandCalls(CreateTenantResourceAssociationCommand)).toHaveLength(2);
    expect(
      ses.commandCalls(UpdateReputationEntityPolicyCommand)[0]?.args[0].input.ReputationEntityReference,
    ).toBe(tenantArn);
  });

  it('lets any other failure through, before the steps that depend on it', async () => {
    ses.on(CreateTenantCommand).rejects(new LimitExceededException({ message: 'too many', $metadata: {} }));
    await expect(tenants().ensureTenant('tea')).rejects.toBeInstanceOf(LimitExceededException);
    expect(ses.commandCalls(CreateTenantResourceAssociationCommand)).toHaveLength(0);

    ses.reset();
    ses.on(CreateTenantCommand).resolves({ TenantArn: tenantArn });
    ses
      .on(CreateTenantResourceAssociationCommand)
      .rejects(new NotFoundException({ message: 'no such identity', $metadata: {} }));
    await expect(tenants().ensureTenant('tea')).rejects.toBeInstanceOf(NotFoundException);
    expect(ses.commandCalls(UpdateReputationEntityPolicyCommand)).toHaveLength(0);
  });

  it('reads the account’s sending rate for pacing', async () => {
    ses
      .on(GetAccountCommand)
      .resolves({ SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 3 } });
    expect(await sesSendQuota(new SESv2Client({}))).toEqual({ maxSendRate: 14, max24HourSend: 50_000 });
  });
});

describe('SNS SMS channel', () => {
  const channel = () => new SnsSmsChannel(new SNSClient({}), { maxPriceUsd: 0.05, priceMicros: 6_450 });
  const sms = { sendId: 's1', shopId: 'tea', to: '+8613800138000', text: '秋茶上新 回TD退订' };

  it('publishes to the phone number, transactional, with a maximum price and the send’s ids', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    expect(await channel().send(sms)).toEqual({ providerMessageId: 'sns-1', costMicros: 6_450 });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      PhoneNumber: '+8613800138000',
      Message: '秋茶上新 回TD退订',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.05000' },
        shopId: { DataType: 'String', StringValue: 'tea' },
        sendId: { DataType: 'String', StringValue: 's1' },
      },
    });
  });

  it('refuses an opted-out number for good, and backs off when throttled', async () => {
    sns.on(PublishCommand).rejects(new OptedOutException({ message: 'opted out', $metadata: {} }));
    await expect(channel().send(sms)).rejects.toBeInstanceOf(PermanentSendError);
    sns.on(PublishCommand).rejects(new ThrottledException({ message: 'rate', $metadata: {} }));
    await expect(channel().send(sms)).rejects.toBeInstanceOf(ThrottledError);
  });
});
