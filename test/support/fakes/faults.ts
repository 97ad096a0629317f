/**
 * Failures a test plants in a fake: the next calls of an operation throw, as a crash or a lost
 * connection would, before the fake changes anything.
 */
export class Faults<Op extends string> {
  private readonly planted = new Map<Op, Error[]>();

  /** The next `times` calls of `op` throw `error`. */
  failNext(op: Op, times = 1, error: Error = new Error(`injected failure: ${op}`)): void {
    this.planted.set(op, [...(this.planted.get(op) ?? []), ...Array.from({ length: times }, () => error)]);
  }

  /** Forgets what was planted and not yet met. */
  clear(): void {
    this.planted.clear();
  }

  /** Called by the fake on entry to `op`. */
  check(op: Op): void {
    const error = this.planted.get(op)?.shift();
    if (error) throw error;
  }
}

/** What DynamoDB hands back: a copy, with undefined attributes gone (the client removes them). */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
