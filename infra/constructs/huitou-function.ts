import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionDefinition } from '../wiring.js';

export interface HuitouFunctionProps {
  definition: FunctionDefinition;
  projectRoot: string;
  environment: Record<string, string>;
}

/**
 * A huitou Lambda with the defaults pinned once: Node 24 on arm64, esbuild bundle with source maps,
 * its own log group with retention, X-Ray tracing, and a role that holds only what it is granted.
 */
export class HuitouFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: HuitouFunctionProps) {
    super(scope, id);
    const { definition } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `huitou ${definition.name}: ${definition.description}`,
    });
    logGroup.grantWrite(role);
    this.fn = new nodejs.NodejsFunction(this, 'Fn', {
      entry: `${props.projectRoot}/${definition.entry}`,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      handler: 'handler',
      description: definition.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: { sourceMap: true, minify: true, target: 'node24', format: nodejs.OutputFormat.CJS },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; SNS SMS publish to a phone number has no topic ARN (and is conditioned to direct publish only).',
    });
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'CDK grant for sending to a KMS-encrypted SQS queue, scoped to that one key; SQS needs these data-key actions.',
      });
    }
  }
}
