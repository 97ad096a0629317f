import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SavedTemplate, TemplateStore } from '../../ports/sending/messaging.js';
import { conditionally, queryAll } from './batch.js';
import { keys } from './keys.js';

/** A shop's templates, compiled on save, one item each in the shop's template partition. */
export class DynamoTemplateStore implements TemplateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(shopId: string, templateId: string): Promise<SavedTemplate | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.template(shopId, templateId) }),
    );
    return out.Item ? strip(out.Item) : null;
  }

  async list(shopId: string): Promise<SavedTemplate[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.template(shopId, '').pk },
    });
    return items.map(strip);
  }

  put(template: SavedTemplate, previousVersion: number | null): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.template(template.shopId, template.templateId), ...template },
          ...(previousVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': previousVersion },
              }),
        }),
      ),
    );
  }
}

function strip({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>): SavedTemplate {
  return rest as unknown as SavedTemplate;
}
