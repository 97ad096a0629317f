import { AsyncLocalStorage } from 'node:async_hooks';
import type { BuildMiddleware, Pluggable } from '@smithy/types';

/**
 * Faults a test plants in the local stack, to see what a crash at one point of a real handler
 * leaves behind: the next matching DynamoDB request of one function fails before it reaches the
 * table, as if the Lambda had died there. Nothing of this is in the handlers: the runtime marks
 * each invocation with its function's name and plugs a middleware into every DynamoDB client of
 * the process (dynamoClientPlugins), as the bench plugs in its billing meter.
 */
export interface PlantedFault {
  /** The wiring's function name, e.g. `sender`. */
  function: string;
  /** The DynamoDB operation, e.g. `UpdateItem`, `TransactWriteItems`. */
  operation: string;
  /** Strings the request's marshalled input must all contain (a send id, `"sent"`, …). */
  contains: string[];
  /** How many matching requests fail (1 unless told). */
  times?: number;
}

/** Which function an invocation runs for: set around each handler call, read by the fault middleware. */
export const invocation = new AsyncLocalStorage<{ functionName: string }>();

export class LocalFaults {
  private planted: Array<PlantedFault & { left: number }> = [];
  /** Faults that fired, for the test to check that its crash happened where it meant. */
  readonly fired: PlantedFault[] = [];

  plant(fault: PlantedFault): void {
    this.planted.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.planted = [];
    this.fired.length = 0;
  }

  private take(operation: string, input: unknown): PlantedFault | null {
    const functionName = invocation.getStore()?.functionName;
    if (!functionName || this.planted.length === 0) return null;
    const text = JSON.stringify(input);
    const fault = this.planted.find(
      (f) =>
        f.left > 0 &&
        f.function === functionName &&
        f.operation === operation &&
        f.contains.every((s) => text.includes(s)),
    );
    if (!fault) return null;
    fault.left -= 1;
    const { left: _left, ...planted } = fault;
    this.fired.push(planted);
    return planted;
  }

  /** The middleware every DynamoDB client of the process carries; one object, so it can be taken off. */
  // biome-ignore lint/suspicious/noExplicitAny: the plugin goes on any DynamoDBClient's stack.
  readonly plugin: Pluggable<any, any> = {
    applyToStack: (stack) => {
      // At the build step: before the SDK's retries, so the failure is final, and nothing is written.
      const middleware: BuildMiddleware<object, object> = (next, context) => async (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        const fault = this.take(operation, args.input);
        if (fault)
          throw new Error(`injected fault: ${fault.function} ${operation} (${fault.contains.join(', ')})`);
        return next(args);
      };
      stack.add(middleware, { step: 'build', name: 'huitouLocalFaults' });
    },
  };
}
