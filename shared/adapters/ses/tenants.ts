import {
  AlreadyExistsException,
  CreateTenantCommand,
  CreateTenantResourceAssociationCommand,
  GetAccountCommand,
  PutTenantSuppressionAttributesCommand,
  type SESv2Client,
  UpdateReputationEntityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import { tenantNameOf } from './email-channel.js';

export interface TenantSetup {
  shopId: string;
  /** The resources the tenant sends with: the configuration set and the sending identity. */
  resourceArns: string[];
  /** An SES-managed reputation policy ARN (none, standard, strict). */
  reputationPolicy: string;
}

/**
 * A shop's SES tenant: its own suppression list (one shop's bounces suppress nobody at another
 * shop) and its own reputation policy (SES pauses the tenant, not the account). Idempotent: run again
 * for a tenant that exists, it sets the same attributes.
 */
export class SesTenants {
  constructor(private readonly ses: SESv2Client) {}

  async ensure(setup: TenantSetup): Promise<{ tenantName: string; tenantArn?: string }> {
    const TenantName = tenantNameOf(setup.shopId);
    let tenantArn: string | undefined;
    try {
      const created = await this.ses.send(
        new CreateTenantCommand({
          TenantName,
          Tags: [{ Key: 'huitou:shop', Value: setup.shopId }],
          SuppressionAttributes: { SuppressionScope: 'TENANT', SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
        }),
      );
      tenantArn = created.TenantArn;
    } catch (error) {
      if (!(error instanceof AlreadyExistsException)) throw error;
      await this.ses.send(
        new PutTenantSuppressionAttributesCommand({
          TenantName,
          SuppressionScope: 'TENANT',
          SuppressedReasons: ['BOUNCE', 'COMPLAINT'],
        }),
      );
    }
    for (const ResourceArn of setup.resourceArns) {
      try {
        await this.ses.send(new CreateTenantResourceAssociationCommand({ TenantName, ResourceArn }));
      } catch (error) {
        if (!(error instanceof AlreadyExistsException)) throw error;
      }
    }
    if (tenantArn)
      await this.ses.send(
        new UpdateReputationEntityPolicyCommand({
          ReputationEntityType: 'RESOURCE',
          ReputationEntityReference: tenantArn,
          ReputationEntityPolicy: setup.reputationPolicy,
        }),
      );
    return { tenantName: TenantName, ...(tenantArn ? { tenantArn } : {}) };
  }
}

/** The account's sending rate and daily quota (SES v2 GetAccount), for pacing. */
export async function sesSendQuota(
  ses: SESv2Client,
): Promise<{ maxSendRate: number; max24HourSend: number }> {
  const out = await ses.send(new GetAccountCommand({}));
  const quota = out.SendQuota;
  if (!quota?.MaxSendRate) throw new Error('SES GetAccount answered without a send quota');
  return { maxSendRate: quota.MaxSendRate, max24HourSend: quota.Max24HourSend ?? Number.POSITIVE_INFINITY };
}
