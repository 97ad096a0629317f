import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tenantNamePrefix } from '../../shared/adapters/ses/tenant-name.js';
import { HuitouFunction } from '../constructs/huitou-function.js';
import {
  envVarsOf,
  type FunctionDefinition,
  functions,
  type Grant,
  type GrantValues,
  type Trigger,
} from '../wiring.js';
import { importBucketName, type StatefulStack } from './stateful-stack.js';

export interface StatelessProps extends StackProps {
  stateful: StatefulStack;
  projectRoot: string;
  senderDomain: string;
  senderEmail: string;
}

/** A name as cdk-nag prints it: unresolved account and region appear as their pseudo parameters. */
function asNagRenders(name: string): string {
  return name
    .replace(/\$\{Token\[AWS\.AccountId\.\d+\]\}/, '<AWS::AccountId>')
    .replace(/\$\{Token\[AWS\.Region\.\d+\]\}/, '<AWS::Region>');
}

const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Functions, the HTTP API, schedules and alarms: everything that can be replaced freely. */
export class StatelessStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly functions = new Map<string, lambda.Function>();

  constructor(scope: Construct, id: string, props: StatelessProps) {
    super(scope, id, props);
    const { stateful } = props;
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.api = new apigw.HttpApi(this, 'Api', { description: 'huitou shop-facing API' });
    const stage = this.api.defaultStage?.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latency: '$context.responseLatency',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 2000, throttlingRateLimit: 1000 };

    // The links' HMAC key, generated once; functions granted `links` get it in their environment.
    const linkSecret = new secretsmanager.Secret(this, 'LinkSecret', {
      description: 'huitou: HMAC key of click and unsubscribe links',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(linkSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the link key would break links already in mailboxes; a new key is added beside the old (LINK_SECRETS lists both).',
    });
    const values: GrantValues = {
      tableName: (table) => {
        const deployed = stateful.tables.get(table.id);
        if (!deployed) throw new Error(`no table ${table.id}`);
        return deployed.tableName;
      },
      sendQueueUrl: stateful.sendQueue.queueUrl,
      importQueueUrl: stateful.importQueue.queueUrl,
      refreshQueueUrl: stateful.refreshQueue.queueUrl,
      campaignQueueUrl: stateful.campaignQueue.queueUrl,
      senderEmail: props.senderEmail,
      sesConfigurationSet: stateful.configurationSet.configurationSetName,
      // Each shop sends as its own tenant, made with the shop (the admin function's sesTenants grant).
      sesTenants: true,
      sesTenantSetup: {
        resourceArns: this.sendsWith(props),
        reputationPolicy: this.reputationPolicyArn,
      },
      linkSecrets: linkSecret.secretValue.unsafeUnwrap(),
      linksUrl: this.api.apiEndpoint,
    };
    for (const def of functions) {
      const construct = new HuitouFunction(
        this,
        `${def.name[0]?.toUpperCase()}${def.name.slice(1)}Function`,
        {
          definition: def,
          projectRoot: props.projectRoot,
          environment: envVarsOf(def, values),
        },
      );
      for (const grant of def.grants) this.bind(construct.fn, grant, props);
      this.trigger(construct.fn, def, def.trigger, props);
      this.alarm(def, construct.fn, stateful);
      this.functions.set(def.name, construct.fn);
    }
    this.queueAlarm(
      'SendDeadLetters',
      stateful.sendDeadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      stateful,
    );
    this.queueAlarm(
      'ImportDeadLetters',
      stateful.importDeadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      stateful,
    );
    this.queueAlarm(
      'RefreshDeadLetters',
      stateful.refreshDeadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      stateful,
    );
    this.queueAlarm(
      'CampaignDeadLetters',
      stateful.campaignDeadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      stateful,
    );
    this.queueAlarm(
      'SesEventDeadLetters',
      stateful.sesEventDeadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      stateful,
    );
    this.queueAlarm(
      'StreamFailures',
      stateful.streamFailureQueue.metricApproximateNumberOfMessagesVisible(),
      stateful,
    );
  }

  /** Grants exactly what the manifest lists; the matching environment comes from envVarsOf. */
  private bind(fn: lambda.Function, grant: Grant, props: StatelessProps): void {
    const { stateful } = props;
    switch (grant.kind) {
      case 'table': {
        const table = stateful.tables.get(grant.table.id);
        if (!table) throw new Error(`no table ${grant.table.id}`);
        // Named indexes rather than CDK's index/* grant: least privilege, and nothing to acknowledge.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: grant.access === 'read' ? tableReadActions : [...tableReadActions, ...tableWriteActions],
            resources: [
              table.tableArn,
              ...grant.table.globalSecondaryIndexes.map((i) => `${table.tableArn}/index/${i.indexName}`),
            ],
          }),
        );
        break;
      }
      case 'sendQueue':
        stateful.sendQueue.grantSendMessages(fn);
        break;
      case 'refreshQueue':
        stateful.refreshQueue.grantSendMessages(fn);
        break;
      case 'campaignQueue':
        stateful.campaignQueue.grantSendMessages(fn);
        break;
      case 'importBucket': {
        const bucket = `arn:${this.partition}:s3:::${importBucketName(this)}`;
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucket}/imports/*`] }),
        );
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${bucket}/reports/*`] }),
        );
        stateful.importQueue.grantSendMessages(fn);
        for (const prefix of ['imports', 'reports'])
          Validations.of(fn.node.scope as Construct).acknowledge({
            id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${asNagRenders(importBucketName(this))}/${prefix}/*]`,
            reason:
              'Uploads are read from imports/<shopId>/<file> and reports written to reports/<shopId>/<file>.json of the one import bucket; file names are the shops’ own, so a prefix is the narrowest grant.',
          });
        break;
      }
      case 'sesSend':
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['ses:SendEmail'],
            // With a TenantName, SES authorises the tenant as well as the identity and configuration set.
            resources: [...this.sendsWith(props), this.tenantsArn],
          }),
        );
        this.acknowledgeTenants(fn, 'sends as whichever shop the message is for');
        break;
      case 'sesTenants':
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            // TagResource: CreateTenant tags the tenant with its shop.
            actions: [
              'ses:CreateTenant',
              'ses:GetTenant',
              'ses:PutTenantSuppressionAttributes',
              'ses:TagResource',
            ],
            resources: [this.tenantsArn],
          }),
        );
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['ses:CreateTenantResourceAssociation'],
            resources: [this.tenantsArn, ...this.sendsWith(props)],
          }),
        );
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['ses:UpdateReputationEntityPolicy'],
            resources: [this.tenantsArn, this.reputationPolicyArn],
          }),
        );
        this.acknowledgeTenants(fn, 'makes each new shop’s tenant');
        break;
      case 'links':
        // Only the environment (envVarsOf): nothing to grant.
        break;
      case 'snsSms':
        // Publishing to a phone number has no topic ARN to scope to; SNS requires Resource "*".
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['sns:Publish'],
            resources: ['*'],
            conditions: { Null: { 'sns:Protocol': 'true' } },
          }),
        );
        break;
    }
  }

  /** An SES resource of this account and region. */
  private sesArn(resource: string): string {
    return `arn:${this.partition}:ses:${this.region}:${this.account}:${resource}`;
  }

  /** What every email names, so what every shop's tenant is associated with: the sender identity and the configuration set. */
  private sendsWith(props: StatelessProps): string[] {
    return [
      this.sesArn(`identity/${props.senderDomain}`),
      this.sesArn(`configuration-set/${props.stateful.configurationSet.configurationSetName}`),
    ];
  }

  /**
   * SES's standard reputation policy: it pauses a tenant on high-severity findings, and huitou pauses a
   * shop well before that (shop-health.ts: 2% bounces, 0.08% complaints).
   */
  private get reputationPolicyArn(): string {
    return `arn:${this.partition}:ses:${this.region}:aws:reputation-policy/standard`;
  }

  /** Every shop's tenant: `tenant/<name>/<id>`, the id SES's own, known only once the tenant exists. */
  private get tenantsArn(): string {
    return this.sesArn(`tenant/${tenantNamePrefix}*`);
  }

  private acknowledgeTenants(fn: lambda.Function, what: string): void {
    Validations.of(fn.node.scope as Construct).acknowledge({
      // As cdk-nag renders the ARN: a region or account the app was given appears as itself.
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:${asNagRenders(this.region)}:${asNagRenders(this.account)}:tenant/${tenantNamePrefix}*]`,
      reason: `The function ${what}: tenants are made per shop at run time, named ${tenantNamePrefix}<shopId>, and their ARNs end in an id SES assigns, so huitou's name prefix is the narrowest grant.`,
    });
  }

  private trigger(
    fn: lambda.Function,
    def: FunctionDefinition,
    trigger: Trigger,
    props: StatelessProps,
  ): void {
    const { stateful } = props;
    switch (trigger.kind) {
      case 'httpApi':
        for (const route of trigger.routes) {
          const [method, path] = route.split(' ') as [string, string];
          this.api.addRoutes({
            path,
            methods: [method as apigw.HttpMethod],
            integration: new HttpLambdaIntegration(`${def.name}Integration`, fn),
            ...(trigger.authorization === 'iam' ? { authorizer: new HttpIamAuthorizer() } : {}),
          });
        }
        if (trigger.authorization === 'handler')
          Validations.of(this.api).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'Every /v1 route is authenticated in the API handler by the shop API key (hashed, constant-time compared); health and OpenAPI are public on purpose. /admin routes use the IAM authorizer.',
          });
        break;
      case 'dynamodbStream': {
        const table = stateful.tables.get(trigger.table.id);
        if (!table) throw new Error(`no table ${trigger.table.id}`);
        fn.addEventSource(
          new sources.DynamoEventSource(table, {
            startingPosition: lambda.StartingPosition.TRIM_HORIZON,
            batchSize: trigger.batchSize,
            maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
            retryAttempts: trigger.retryAttempts,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            onFailure: new sources.SqsDlq(stateful.streamFailureQueue),
            filters: [
              lambda.FilterCriteria.filter({
                eventName: lambda.FilterRule.isEqual(trigger.filter.eventName),
                dynamodb: {
                  Keys: { sk: { S: lambda.FilterRule.beginsWith(trigger.filter.sortKeyPrefix) } },
                  NewImage: { [trigger.filter.unlessAttribute]: lambda.FilterRule.notExists() },
                },
              }),
            ],
          }),
        );
        break;
      }
      case 'schedule': {
        const rule = new events.Rule(this, `${def.name}Schedule`, {
          description: `huitou ${trigger.name}`,
          schedule:
            trigger.everyMinutes === 60
              ? events.Schedule.cron({ minute: '0' })
              : events.Schedule.rate(Duration.minutes(trigger.everyMinutes)),
        });
        rule.addTarget(new targets.LambdaFunction(fn, { retryAttempts: 2 }));
        break;
      }
      case 'sqs':
        fn.addEventSource(
          new sources.SqsEventSource(stateful.queueOf(trigger.queue), {
            batchSize: trigger.batchSize,
            reportBatchItemFailures: true,
            ...(trigger.maxConcurrency && { maxConcurrency: trigger.maxConcurrency }),
          }),
        );
        break;
    }
  }

  private alarm(def: FunctionDefinition, fn: lambda.Function, stateful: StatefulStack): void {
    const alarm = fn.metricErrors({ period: Duration.minutes(5) }).createAlarm(this, `${def.name}Errors`, {
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: `huitou ${def.name} handler errors`,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(stateful.alarmTopic));
  }

  private queueAlarm(id: string, metric: cloudwatch.Metric, stateful: StatefulStack): void {
    const alarm = metric.createAlarm(this, id, {
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: `huitou ${id}: messages that could not be processed`,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(stateful.alarmTopic));
  }
}
