import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import type { InstanceRecord, JourneyInstanceStore } from '../../ports/journeys/instance-store.js';
import type { JourneyHead, JourneyStore } from '../../ports/journeys/journey-store.js';
import { conditionally, queryAll } from './batch.js';
import { DynamoCouponSecrets } from './coupon-secrets.js';
import { customerPk, keyPrefixes, keys } from './keys.js';
import { packJson, unpackJson } from './packed.js';

/** Journey heads, versions and the coupon secret, in the shop's journeys partition (keys.ts). */
export class DynamoJourneyStore implements JourneyStore {
  private readonly coupons: DynamoCouponSecrets;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.coupons = new DynamoCouponSecrets(doc, tableName);
  }

  async heads(shopId: string): Promise<JourneyHead[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :head)',
      ExpressionAttributeValues: { ':pk': keys.journeysOfShop(shopId), ':head': keyPrefixes.journeyHead },
    });
    return items.map((i) => i.head as JourneyHead);
  }

  async head(shopId: string, journeyId: string): Promise<JourneyHead | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.journeyHead(shopId, journeyId) }),
    );
    return (out.Item?.head as JourneyHead | undefined) ?? null;
  }

  async version(shopId: string, journeyId: string, version: number): Promise<JourneyDefinition | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.journeyVersion(shopId, journeyId, version) }),
    );
    return (out.Item?.definition as JourneyDefinition | undefined) ?? null;
  }

  putHead(shopId: string, head: JourneyHead, previousVersion: number | null): Promise<boolean> {
    const version = head.definition.version;
    const headPut = {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.journeyHead(shopId, head.journeyId), version, head },
        ...(previousVersion === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previousVersion } }),
      },
    };
    // A version is written once; enabling or disabling moves only the head.
    const versionPut =
      version === previousVersion
        ? []
        : [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.journeyVersion(shopId, head.journeyId, version),
                  definition: head.definition,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ];
    return conditionally(() =>
      this.doc.send(new TransactWriteCommand({ TransactItems: [headPut, ...versionPut] })),
    );
  }

  /** One secret per shop, shared with campaigns: either may issue a code the other's order redeems. */
  couponSecret(shopId: string): Promise<string> {
    return this.coupons.secretOf(shopId);
  }
}

/** Instances in their customer's partition, each item written at the revision it was read at. */
export class DynamoJourneyInstanceStore implements JourneyInstanceStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async ofCustomer(shopId: string, customerId: string): Promise<InstanceRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': customerPk(shopId, customerId), ':p': keyPrefixes.journeyInstance },
      ConsistentRead: true,
    });
    // Instances saved before they were packed keep their plain `record` until their next save.
    return items.map((i) => ({
      ...(i.state === undefined
        ? (i.record as Omit<InstanceRecord, 'rev'>)
        : unpackJson<Omit<InstanceRecord, 'rev'>>(i.state)),
      rev: i.rev as number,
    }));
  }

  save(shopId: string, record: InstanceRecord): Promise<boolean> {
    const { rev, ...rest } = record;
    return conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.journeyInstance(shopId, record.instance.customerId, record.instance.instanceId),
            rev: rev + 1,
            // Packed: an instance with an owed send (its data, the trigger) would pass 1 KB plain.
            state: packJson(rest),
          },
          ...(rev === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } }),
        }),
      ),
    );
  }
}
