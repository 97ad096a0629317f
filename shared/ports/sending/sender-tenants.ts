/** The sending tenant a shop's email goes out as (an SES tenant on AWS). */
export interface SenderTenant {
  name: string;
  /** The provider's id of the tenant (the SES tenant ARN), where it gives one. */
  arn?: string;
}

/**
 * Provisions each shop's own sending tenant, so one shop's bounces and complaints neither suppress
 * addresses for nor pause another shop. Idempotent: a tenant that exists already, a repeated call
 * and a retried shop creation all end with the same tenant, set up the same way.
 */
export interface SenderTenants {
  /** The shop's tenant, made or brought up to date; null where the deployment sends without tenants. */
  ensureTenant(shopId: string): Promise<SenderTenant | null>;
}

/**
 * A deployment that sends as its account, not per-shop tenants (`SES_TENANTS=false`; the local
 * emulator has no tenant API): nothing to provision, and the shop is told so (no tenant).
 */
export const withoutSenderTenants: SenderTenants = { ensureTenant: async () => null };
