import { createHash } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { minuteKey } from '../../domain/schedule.js';
import type { DueStep, DueStepStore } from '../../ports/messaging.js';

/**
 * Due steps are keyed by minute and spread over shards, so "what is due now" is a handful of small
 * queries however many steps are pending, and no partition takes every write for a busy minute.
 */
export const dueShards = 8;

function duePk(minute: string, shard: number): string {
  return `DUE#${minute}#${shard}`;
}

function shardOfStep(shopId: string, stepId: string): number {
  return createHash('sha1').update(`${shopId}#${stepId}`).digest().readUInt8(0) % dueShards;
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
        Item: {
          pk: duePk(minuteKey(new Date(step.dueAt)), shardOfStep(step.shopId, step.stepId)),
          sk: `${step.shopId}#${step.stepId}`,
          ...step,
        },
      }),
    );
  }

  async dueIn(minute: string): Promise<DueStep[]> {
    const pages = await Promise.all(
      Array.from({ length: dueShards }, async (_, shard) => {
        const steps: DueStep[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': duePk(minute, shard) },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) {
            steps.push({
              shopId: item.shopId,
              stepId: item.stepId,
              dueAt: item.dueAt,
              message: item.message,
            } as DueStep);
          }
          start = page.LastEvaluatedKey;
        } while (start);
        return steps;
      }),
    );
    return pages.flat();
  }

  async remove(step: DueStep): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: {
          pk: duePk(minuteKey(new Date(step.dueAt)), shardOfStep(step.shopId, step.stepId)),
          sk: `${step.shopId}#${step.stepId}`,
        },
      }),
    );
  }
}
