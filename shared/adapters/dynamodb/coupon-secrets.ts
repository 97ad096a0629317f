import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CouponSecrets } from '../../ports/campaigns/campaign-store.js';
import { conditionally } from './batch.js';
import { keys } from './keys.js';

/** The shop's coupon secret: 32 random bytes made on first use by whoever gets there first, then read. */
export class DynamoCouponSecrets implements CouponSecrets {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async secretOf(shopId: string): Promise<string> {
    const cached = this.cache.get(shopId);
    if (cached) return cached;
    const fresh = randomBytes(32).toString('base64url');
    await conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.couponSecret(shopId), secret: fresh },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.couponSecret(shopId), ConsistentRead: true }),
    );
    const secret = out.Item?.secret as string;
    this.cache.set(shopId, secret);
    return secret;
  }
}
