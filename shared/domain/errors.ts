/** Domain errors. The HTTP error middleware maps each to one status; nothing else maps errors. */

export interface FieldIssue {
  /** Position in a batch, when the problem is in one item of it. */
  index?: number;
  path: string;
  message: string;
}

export class ValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(`Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class UnauthorizedError extends Error {
  constructor() {
    super('Missing or invalid API key');
    this.name = 'UnauthorizedError';
  }
}

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Rate limit exceeded');
    this.name = 'RateLimitedError';
  }
}

export class PayloadTooLargeError extends Error {
  constructor(limitBytes: number) {
    super(`Request body exceeds ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Optimistic-lock conflict: somebody else wrote first; the caller re-reads and tries again. */
export class ConflictError extends Error {
  constructor(what: string) {
    super(`Concurrent update of ${what}`);
    this.name = 'ConflictError';
  }
}
