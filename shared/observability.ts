import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One logger, metrics and tracer per function module, named for the function. */
export function observability(functionName: string) {
  const serviceName = `huitou-${functionName}`;
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'huitou', serviceName }),
    tracer: new Tracer({ serviceName }),
  };
}
