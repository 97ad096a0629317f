import { z } from 'zod';

/** Environment of the functions, parsed once at cold start: a missing variable fails loudly there. */
const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  SEND_QUEUE_URL: z.string().min(1).optional(),
  SENDER_EMAIL: z.string().min(3).optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Set locally: SMS go to this JSON-lines file instead of SNS. */
  SMS_OUTBOX_FILE: z.string().min(1).optional(),
  /** The import function's own queue, for continuations of long files. */
  IMPORT_QUEUE_URL: z.string().min(1).optional(),
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
