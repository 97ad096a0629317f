import { z } from 'zod';

/** Request bodies of the HTTP API: the envelopes. What is inside is the domain's to check. */
export const maxEventsPerBatch = 100;

export const eventBatchSchema = z.strictObject({
  events: z.array(z.unknown()).min(1).max(maxEventsPerBatch),
});
