import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.js';
import { dataTable, envVarsOf, functions } from '../../infra/wiring.js';

/** The stacks as `cdk synth` builds them (bundling skipped: asset contents are not under test). */
let data: Template;
let app: Template;
let synthError: unknown;

beforeAll(() => {
  const cdkApp = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      'huitou:senderDomain': 'shop.example',
      'huitou:alarmEmail': 'ops@shop.example',
    },
  });
  const { stateful, stateless } = buildApp(cdkApp);
  data = Template.fromStack(stateful);
  app = Template.fromStack(stateless);
  try {
    cdkApp.synth();
  } catch (error) {
    synthError = error;
  }
});

describe('HuitouData', () => {
  it('declares the data table from the wiring: keys, indexes, stream, TTL, PITR, encryption', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: dataTable.globalSecondaryIndexes.map((i) =>
        Match.objectLike({ IndexName: i.indexName }),
      ),
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('keeps uploads in a private, TLS-only, logged bucket whose imports/ uploads queue an import', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'import-bucket/' }),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
    });
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
    data.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: Match.arrayWith([
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: {
              Key: {
                FilterRules: Match.arrayWith([
                  { Name: 'suffix', Value: '.csv' },
                  { Name: 'prefix', Value: 'imports/' },
                ]),
              },
            },
          }),
        ]),
      },
    });
  });

  it('has a send queue with a dead-letter queue, and an SES configuration set with an event destination', () => {
    data.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
      KmsMasterKeyId: Match.anyValue(),
    });
    data.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    data.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['delivery', 'open', 'click', 'bounce', 'complaint']),
      }),
    });
    data.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@shop.example' });
  });
});

describe('HuitouApp', () => {
  it('runs every function of the wiring on Node 24, arm64, with source maps', () => {
    const fns = app.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(functions.length);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('gives each function the environment its grants name, and no other', () => {
    const fns = Object.values(app.findResources('AWS::Lambda::Function'));
    const names = (variables: Record<string, unknown>) =>
      Object.keys(variables)
        .filter((name) => !['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL'].includes(name))
        .sort();
    const values = {
      tableName: () => 't',
      sendQueueUrl: 'q',
      importQueueUrl: 'q',
      refreshQueueUrl: 'q',
      campaignQueueUrl: 'q',
      senderEmail: 'e',
      sesConfigurationSet: 'c',
      sesTenants: false,
      sesTenantSetup: { resourceArns: ['arn:i', 'arn:c'], reputationPolicy: 'arn:p' },
      linkSecrets: 's',
      linksUrl: 'https://l',
    };
    for (const def of functions) {
      const fn = fns.find((f) => f.Properties.Description === def.description);
      expect(names(fn?.Properties.Environment.Variables), def.name).toEqual(names(envVarsOf(def, values)));
    }
    const sender = fns.find(
      (f) => f.Properties.Description === functions.find((d) => d.name === 'sender')?.description,
    );
    expect(Object.keys(sender?.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'SENDER_EMAIL', 'SES_CONFIGURATION_SET']),
    );
  });

  it('makes each new shop’s SES tenant in the admin function, and sends as it', () => {
    const fns = app.findResources('AWS::Lambda::Function');
    const fnOf = (name: string) =>
      Object.values(fns).find(
        (f) => f.Properties.Description === functions.find((d) => d.name === name)?.description,
      );
    expect(fnOf('sender')?.Properties.Environment.Variables.SES_TENANTS).toBe('true');
    const admin = fnOf('admin')?.Properties.Environment.Variables;
    expect(admin.SES_TENANTS).toBe('true');
    // The identity and the configuration set every email names, and SES's standard reputation policy.
    const resources = JSON.stringify(admin.SES_TENANT_RESOURCES);
    expect(resources).toContain(':identity/shop.example');
    expect(resources).toContain(':configuration-set/');
    expect(JSON.stringify(admin.SES_REPUTATION_POLICY)).toContain(':aws:reputation-policy/standard');

    const role = fnOf('admin')?.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(app.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement) as Array<{
      Action: string | string[];
      Resource: unknown;
    }>;
    const resourcesOf = (action: string) =>
      statements.filter((st) => [st.Action].flat().includes(action)).map((st) => JSON.stringify(st.Resource));
    for (const action of [
      'ses:CreateTenant',
      'ses:GetTenant',
      'ses:PutTenantSuppressionAttributes',
      'ses:CreateTenantResourceAssociation',
      'ses:UpdateReputationEntityPolicy',
    ]) {
      const granted = resourcesOf(action);
      expect(granted, action).toHaveLength(1);
      // Only huitou's tenants, never every SES resource.
      expect(granted[0], action).toContain(':tenant/huitou-*');
      expect(granted[0], action).not.toMatch(/"\*"/);
    }
    expect(resourcesOf('ses:SendEmail')).toEqual([]);
  });

  it('feeds new event items only to the stream handler, with bounded retries and partial failures', () => {
    app.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1000,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            // New event items only, and not those an import applied itself.
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: {
                Keys: { sk: { S: [{ prefix: 'EV#' }] } },
                NewImage: { appliedBy: [{ exists: false }] },
              },
            }),
          },
        ],
      },
    });
    app.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('schedules the minute runner and the hourly segment refresh', () => {
    app.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    app.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 * * * ? *)' });
  });

  it('runs the refresh’s shard tasks sixteen at a time, one task per invocation', () => {
    app.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 16 },
    });
  });

  it('routes the API to the api handler and alarms on errors and dead letters (send, import, refresh, campaign, SES events, stream)', () => {
    app.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /v1/{proxy+}',
      AuthorizationType: 'NONE',
    });
    expect(Object.keys(app.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(functions.length + 6);
  });

  it('lets only IAM-signed requests reach the admin routes', () => {
    app.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /admin/{proxy+}',
      AuthorizationType: 'AWS_IAM',
    });
  });

  it('imports uploads from their queue, one file at a time, reading imports/ and writing reports/ only', () => {
    app.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const text = JSON.stringify(app.findResources('AWS::IAM::Policy'));
    expect(text).toContain('/imports/*');
    expect(text).toContain('/reports/*');
    expect(text).not.toMatch(/s3:(GetObject\*|List\*|\*)/);
  });

  it('grants each function only what the wiring lists: no table access beyond its named indexes', () => {
    const lambdas = app.findResources('AWS::Lambda::Function');
    const policies = Object.values(app.findResources('AWS::IAM::Policy'));
    const text = JSON.stringify(policies);
    expect(text).not.toContain('index/*');
    expect(text).not.toContain('dynamodb:*');
    /** Every action the function's role may take, from the policies attached to that role. */
    const actionsOf = (description: string): string[] => {
      const fn = Object.values(lambdas).find((f) => f.Properties.Description === description);
      const role = fn?.Properties.Role['Fn::GetAtt'][0];
      expect(role, description).toBeDefined();
      return policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    };
    for (const def of functions) {
      const actions = actionsOf(def.description);
      const has = (kind: string) => def.grants.some((g) => g.kind === kind);
      const writes = def.grants.some((g) => g.kind === 'table' && g.access === 'readWrite');
      expect(actions.includes('dynamodb:PutItem'), `${def.name} writes the table`).toBe(writes);
      expect(actions.includes('ses:SendEmail'), `${def.name} sends email`).toBe(has('sesSend'));
      expect(actions.includes('sns:Publish'), `${def.name} sends SMS`).toBe(has('snsSms'));
      expect(actions.includes('s3:GetObject'), `${def.name} reads uploads`).toBe(has('importBucket'));
      // A stream's event source sends the records it gives up on to its failure queue.
      expect(actions.includes('sqs:SendMessage'), `${def.name} queues messages`).toBe(
        has('sendQueue') ||
          has('refreshQueue') ||
          has('campaignQueue') ||
          has('importBucket') ||
          def.trigger.kind === 'dynamodbStream',
      );
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('passes with no unacknowledged finding', () => {
    expect(synthError).toBeUndefined();
  });
});
