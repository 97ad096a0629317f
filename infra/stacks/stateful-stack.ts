import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type QueueTrigger, type TableDefinition, tables } from '../wiring.js';

/**
 * The import bucket's name follows the account and region, so the import function's grants name
 * its prefixes outright (reviewable, and acknowledged precisely) instead of through an export.
 */
export function importBucketName(stack: Stack): string {
  return `huitou-imports-${stack.account}-${stack.region}`;
}

export interface StatefulProps extends StackProps {
  senderDomain: string;
  alarmEmail?: string;
}

/** What holds data or identity and must outlive a redeploy: tables, queues, SES setup, alarm topic. */
export class StatefulStack extends Stack {
  readonly tables = new Map<string, dynamodb.Table>();
  readonly sendQueue: sqs.Queue;
  readonly sendDeadLetterQueue: sqs.Queue;
  readonly streamFailureQueue: sqs.Queue;
  readonly importBucket: s3.Bucket;
  readonly importQueue: sqs.Queue;
  readonly importDeadLetterQueue: sqs.Queue;
  readonly refreshQueue: sqs.Queue;
  readonly refreshDeadLetterQueue: sqs.Queue;
  readonly campaignQueue: sqs.Queue;
  readonly campaignDeadLetterQueue: sqs.Queue;
  readonly alarmTopic: sns.Topic;
  readonly configurationSet: ses.ConfigurationSet;
  readonly sesEvents: sns.Topic;
  readonly sesEventQueue: sqs.Queue;
  readonly sesEventDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StatefulProps) {
    super(scope, id, props);
    for (const def of tables) this.tables.set(def.id, this.table(def));

    const key = new kms.Key(this, 'MessagingKey', {
      enableKeyRotation: true,
      description: 'Encrypts huitou queues and topics',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.sendDeadLetterQueue = this.failureQueue('SendDeadLetterQueue', key);
    this.sendQueue = this.queue('SendQueue', key, {
      visibilityTimeout: Duration.seconds(180),
      deadLetterQueue: { queue: this.sendDeadLetterQueue, maxReceiveCount: 5 },
    });
    this.streamFailureQueue = this.failureQueue('StreamFailureQueue', key);
    this.importDeadLetterQueue = this.failureQueue('ImportDeadLetterQueue', key);
    // Uploads and an import's continuations (a long file resumes in a new invocation) queue here.
    this.importQueue = this.queue('ImportQueue', key, {
      visibilityTimeout: Duration.minutes(16),
      deadLetterQueue: { queue: this.importDeadLetterQueue, maxReceiveCount: 3 },
    });
    this.importBucket = this.imports(this.importQueue);
    this.refreshDeadLetterQueue = this.failureQueue('RefreshDeadLetterQueue', key);
    // A refresh's shard tasks; a worker runs up to 15 minutes, so a task stays hidden longer than that.
    this.refreshQueue = this.queue('RefreshQueue', key, {
      visibilityTimeout: Duration.minutes(16),
      deadLetterQueue: { queue: this.refreshDeadLetterQueue, maxReceiveCount: 3 },
    });
    this.campaignDeadLetterQueue = this.failureQueue('CampaignDeadLetterQueue', key);
    // A campaign run's pages; a page's worker runs up to 2 minutes.
    this.campaignQueue = this.queue('CampaignQueue', key, {
      visibilityTimeout: Duration.minutes(3),
      deadLetterQueue: { queue: this.campaignDeadLetterQueue, maxReceiveCount: 3 },
    });

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    if (props.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    new ses.EmailIdentity(this, 'SenderIdentity', { identity: ses.Identity.domain(props.senderDomain) });
    this.sesEvents = new sns.Topic(this, 'SesEventTopic', { masterKey: key, enforceSSL: true });
    // SES publishes tracking events to the encrypted topic.
    key.grantEncryptDecrypt(new iam.ServicePrincipal('ses.amazonaws.com'));
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('Tracking', {
      destination: ses.EventDestination.snsTopic(this.sesEvents),
      events: [
        ses.EmailSendingEvent.SEND,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.OPEN,
        ses.EmailSendingEvent.CLICK,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.DELIVERY_DELAY,
        ses.EmailSendingEvent.RENDERING_FAILURE,
      ],
    });
    // The tracking function reads the events through a queue: retries, batching, a dead-letter queue.
    this.sesEventDeadLetterQueue = this.failureQueue('SesEventDeadLetterQueue', key);
    this.sesEventQueue = this.queue('SesEventQueue', key, {
      visibilityTimeout: Duration.seconds(180),
      deadLetterQueue: { queue: this.sesEventDeadLetterQueue, maxReceiveCount: 5 },
    });
    this.sesEvents.addSubscription(new subscriptions.SqsSubscription(this.sesEventQueue));
  }

  /** The queue a function of the wiring is triggered by. */
  queueOf(name: QueueTrigger['queue']): sqs.Queue {
    return {
      send: this.sendQueue,
      import: this.importQueue,
      refresh: this.refreshQueue,
      campaign: this.campaignQueue,
      sesEvents: this.sesEventQueue,
    }[name];
  }

  /** Every huitou queue is KMS-encrypted with the messaging key and refuses plain HTTP. */
  private queue(id: string, key: kms.IKey, props: sqs.QueueProps = {}): sqs.Queue {
    return new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      ...props,
    });
  }

  /** A dead-letter or on-failure destination: kept two weeks, watched by an alarm, no DLQ of its own. */
  private failureQueue(id: string, key: kms.IKey): sqs.Queue {
    const queue = this.queue(id, key, { retentionPeriod: Duration.days(14) });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter / on-failure destination; alarms watch its depth.',
    });
    return queue;
  }

  /**
   * A shop's history files: `imports/<shopId>/<file>.csv|jsonl` starts an import, its report lands
   * in `reports/<shopId>/<file>.json`. Uploads hold customer data, so they expire after 30 days.
   */
  private imports(queue: sqs.Queue): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'ImportAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the import bucket’s server access logs; logging it would log itself.',
    });
    const bucket = new s3.Bucket(this, 'ImportBucket', {
      bucketName: importBucketName(this),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'import-bucket/',
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const suffix of ['.csv', '.jsonl', '.ndjson'])
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), {
        prefix: 'imports/',
        suffix,
      });
    // CDK configures bucket notifications through its own singleton custom-resource function.
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK’s bucket-notifications custom resource uses the basic execution role for its own logs.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'CDK’s bucket-notifications custom resource calls s3:PutBucketNotification, which it scopes by the bucket it is given at deploy time.',
      },
    );
    return bucket;
  }

  private table(def: TableDefinition): dynamodb.Table {
    const attr = (k: { name: string; type: 'S' | 'N' }) => ({
      name: k.name,
      type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
    });
    const table = new dynamodb.Table(this, def.id, {
      partitionKey: attr(def.partitionKey),
      sortKey: attr(def.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: def.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of def.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attr(index.partitionKey),
        sortKey: attr(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection.type],
        nonKeyAttributes: index.projection.type === 'INCLUDE' ? index.projection.attributes : undefined,
      });
    }
    return table;
  }
}
