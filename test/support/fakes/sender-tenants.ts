import type { SenderTenant, SenderTenants } from '../../../shared/ports/sending/sender-tenants.js';

/**
 * Sender tenants as SesTenants keeps them: one per shop, named huitou-<shopId>, made on the first
 * call and the same on every later one. `failNext` makes the next call fail before anything is made.
 */
export class FakeSenderTenants implements SenderTenants {
  readonly tenants = new Map<string, SenderTenant>();
  /** Every shop id asked for, in order. */
  readonly calls: string[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures = times;
  }

  async ensureTenant(shopId: string): Promise<SenderTenant> {
    this.calls.push(shopId);
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SES TooManyRequestsException: rate exceeded');
    }
    const tenant = this.tenants.get(shopId) ?? {
      name: `huitou-${shopId}`,
      arn: `arn:aws:ses:eu-west-1:1:tenant/huitou-${shopId}/tn-${this.tenants.size + 1}`,
    };
    this.tenants.set(shopId, tenant);
    return { ...tenant };
  }
}
