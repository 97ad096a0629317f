/**
 * The names of the environment variables huitou's functions read. One spelling, shared by the
 * wiring (which sets them, on AWS and locally) and shared/config.ts (which reads them).
 */
export const envNames = {
  /** The data table's physical name. */
  tableName: 'TABLE_NAME',
  /** Where due steps queue their sends. */
  sendQueueUrl: 'SEND_QUEUE_URL',
  /** The import function's own queue, for continuations of long files. */
  importQueueUrl: 'IMPORT_QUEUE_URL',
  /** Where a segment refresh queues its shards' tasks. */
  refreshQueueUrl: 'REFRESH_QUEUE_URL',
  /** Where a campaign run queues its audience pages. */
  campaignQueueUrl: 'CAMPAIGN_QUEUE_URL',
  senderEmail: 'SENDER_EMAIL',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Send each shop's email as its own SES tenant (`true`); off locally, where the emulator has none. */
  sesTenants: 'SES_TENANTS',
  /** What each shop's tenant is set up with: the ARNs it sends with (comma-separated) and its reputation policy ARN. */
  sesTenantResources: 'SES_TENANT_RESOURCES',
  sesReputationPolicy: 'SES_REPUTATION_POLICY',
  /** The HMAC secrets of click and unsubscribe links, comma-separated, current first. */
  linkSecrets: 'LINK_SECRETS',
  /** The public base URL of the click redirect (`/r`) and the unsubscribe page (`/u`). */
  linksUrl: 'LINKS_URL',
  /** The most one SMS may cost, in US dollars. */
  smsMaxPrice: 'SMS_MAX_PRICE_USD',
} as const;
