import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerDirectory, CustomerIdsPage } from '../../ports/customers/customer-directory.js';
import { customerIdOfValueKey, customerPk, customerShards, valueShardPk } from './keys.js';

type StartKey = { pk: string; sk: string; gsi2pk: string; gsi2sk: string };

/**
 * The shop's customers from the byValue index, the same shards the nightly refresh reads, keys only:
 * a page of ids costs what its keys weigh, not the profiles. The cursor is the shard's last key
 * read. A customer whose entry moves band while a fan-out pages through may be met twice (what is
 * fed to them is idempotent) or, rarely, once the run has passed; merged-away customers have left.
 */
export class DynamoCustomerDirectory implements CustomerDirectory {
  readonly shards = customerShards;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async customerIds(
    shopId: string,
    shard: number,
    page: { limit: number; cursor?: string },
  ): Promise<CustomerIdsPage> {
    const gsi2pk = valueShardPk(shopId, shard);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byValue',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi2pk },
        ExclusiveStartKey: page.cursor ? startKeyOf(page.cursor, shopId, gsi2pk) : undefined,
        Limit: page.limit,
      }),
    );
    const last = out.LastEvaluatedKey as StartKey | undefined;
    return {
      customerIds: (out.Items ?? []).map((i) => customerIdOfValueKey(i.gsi2sk as string)),
      ...(last && {
        cursor: Buffer.from(JSON.stringify([last.pk, last.sk, last.gsi2sk])).toString('base64url'),
      }),
    };
  }
}

/** The start key a cursor stands for, checked to lie in this shop's shard, so no stray key reaches DynamoDB. */
function startKeyOf(cursor: string, shopId: string, gsi2pk: string): StartKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    parsed = null;
  }
  const [pk, sk, gsi2sk] = Array.isArray(parsed) ? parsed : [];
  if (typeof pk !== 'string' || typeof sk !== 'string' || typeof gsi2sk !== 'string')
    throw new Error(`not a customer directory cursor: ${cursor}`);
  if (!pk.startsWith(customerPk(shopId, ''))) throw new Error(`cursor of another shop: ${cursor}`);
  return { pk, sk, gsi2pk, gsi2sk };
}
