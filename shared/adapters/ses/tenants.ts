import {
  AlreadyExistsException,
  CreateTenantCommand,
  CreateTenantResourceAssociationCommand,
  GetAccountCommand,
  GetTenantCommand,
  PutTenantSuppressionAttributesCommand,
  type SESv2Client,
  type SuppressionListReason,
  UpdateReputationEntityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import type { SenderTenant, SenderTenants } from '../../ports/sending/sender-tenants.js';
import { tenantNameOf } from './tenant-name.js';

export interface TenantSetup {
  /**
   * What every shop's tenant sends with: the configuration set and the sending identity. SES sends
   * with a TenantName only when every resource the email names is associated with that tenant.
   */
  resourceArns: string[];
  /** An SES-managed reputation policy ARN (`arn:…:ses:<region>:aws:reputation-policy/standard`). */
  reputationPolicy: string;
}

/** Bounces and complaints suppress an address for this shop only. */
const suppression = {
  SuppressionScope: 'TENANT' as const,
  SuppressedReasons: ['BOUNCE', 'COMPLAINT'] as SuppressionListReason[],
};

/**
 * A shop's SES tenant: its own suppression list (one shop's bounces suppress nobody at another
 * shop) and its own reputation policy (SES pauses the tenant, not the account). Each step is safe to
 * repeat, so a call that failed half-way is completed by the next: a tenant that exists gets its
 * suppression settings again and its ARN read back, associations already there pass, and the
 * reputation policy is set every time.
 */
export class SesTenants implements SenderTenants {
  constructor(
    private readonly ses: SESv2Client,
    private readonly setup: TenantSetup,
  ) {}

  async ensureTenant(shopId: string): Promise<SenderTenant> {
    const TenantName = tenantNameOf(shopId);
    const arn = (await this.create(TenantName, shopId)) ?? (await this.existing(TenantName));
    for (const ResourceArn of this.setup.resourceArns) {
      try {
        await this.ses.send(new CreateTenantResourceAssociationCommand({ TenantName, ResourceArn }));
      } catch (error) {
        if (!(error instanceof AlreadyExistsException)) throw error;
      }
    }
    await this.ses.send(
      new UpdateReputationEntityPolicyCommand({
        ReputationEntityType: 'RESOURCE',
        ReputationEntityReference: arn,
        ReputationEntityPolicy: this.setup.reputationPolicy,
      }),
    );
    return { name: TenantName, arn };
  }

  /** The new tenant's ARN; undefined when it exists already. */
  private async create(TenantName: string, shopId: string): Promise<string | undefined> {
    try {
      const created = await this.ses.send(
        new CreateTenantCommand({
          TenantName,
          Tags: [{ Key: 'huitou:shop', Value: shopId }],
          SuppressionAttributes: suppression,
        }),
      );
      if (!created.TenantArn) throw new Error(`SES created tenant ${TenantName} without an ARN`);
      return created.TenantArn;
    } catch (error) {
      if (error instanceof AlreadyExistsException) return undefined;
      throw error;
    }
  }

  /** An existing tenant, its suppression set again (it may predate it): its ARN, for the reputation policy. */
  private async existing(TenantName: string): Promise<string> {
    await this.ses.send(new PutTenantSuppressionAttributesCommand({ TenantName, ...suppression }));
    const out = await this.ses.send(new GetTenantCommand({ TenantName }));
    const arn = out.Tenant?.TenantArn;
    if (!arn) throw new Error(`SES answered for tenant ${TenantName} without its ARN`);
    return arn;
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
