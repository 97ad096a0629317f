import { z } from 'zod';
import { envNames } from './env-names.js';

/** Environment of the functions, parsed once at cold start: a missing variable fails loudly there. */
const envSchema = z.object({
  [envNames.tableName]: z.string().min(1),
  [envNames.sendQueueUrl]: z.string().min(1).optional(),
  [envNames.senderEmail]: z.string().min(3).optional(),
  [envNames.sesConfigurationSet]: z.string().min(1).optional(),
  [envNames.importQueueUrl]: z.string().min(1).optional(),
  [envNames.refreshQueueUrl]: z.string().min(1).optional(),
  [envNames.campaignQueueUrl]: z.string().min(1).optional(),
  [envNames.sesTenants]: z.enum(['true', 'false']).optional(),
  [envNames.sesTenantResources]: z.string().optional(),
  [envNames.sesReputationPolicy]: z.string().optional(),
  [envNames.linkSecrets]: z.string().min(32).optional(),
  [envNames.linksUrl]: z.url().optional(),
  [envNames.smsMaxPrice]: z.coerce.number().positive().optional(),
});

export type Config = z.infer<typeof envSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
