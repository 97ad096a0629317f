import type { z } from 'zod';
import type { FieldIssue } from './errors.js';

/** A zod error as field issues: each with its path (inside `prefix`) and, in a batch, its position. */
export function issuesOf(
  error: z.ZodError,
  index?: number,
  prefix: Array<string | number> = [],
): FieldIssue[] {
  return error.issues.map((issue) => ({
    ...(index === undefined ? {} : { index }),
    path: [...prefix, ...issue.path].map(String).join('.') || '(root)',
    message: issue.message,
  }));
}
