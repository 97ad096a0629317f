import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { minuteKey } from '../../domain/shops/schedule.js';
import type { DueStep, DueStepStore } from '../../ports/sending/messaging.js';
import { queryAll } from './batch.js';
import { dueShards, keys, shardOf } from './keys.js';

/**
 * Due steps are keyed by minute and spread over shards, so "what is due now" is a handful of small
 * queries however many steps are pending, and no partition takes every write for a busy minute.
 */
function stepKey(step: Pick<DueStep, 'shopId' | 'stepId' | 'dueAt'>) {
  const shard = shardOf(`${step.shopId}#${step.stepId}`, dueShards);
  return keys.dueStep(minuteKey(new Date(step.dueAt)), shard, step.shopId, step.stepId);
}

export class DynamoDueStepStore implements DueStepStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async schedule(step: DueStep): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...stepKey(step), ...step },
      }),
    );
  }

  async dueIn(minute: string): Promise<DueStep[]> {
    const shards = await Promise.all(
      Array.from({ length: dueShards }, (_, shard) =>
        queryAll(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.dueMinute(minute, shard) },
        }),
      ),
    );
    return shards
      .flat()
      .map(
        (item) =>
          ({ shopId: item.shopId, stepId: item.stepId, dueAt: item.dueAt, message: item.message }) as DueStep,
      );
  }

  async remove(step: DueStep): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: stepKey(step),
      }),
    );
  }
}
