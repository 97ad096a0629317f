import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JourneyRateCounter } from '../../ports/journeys/rate-counter.js';
import { keys } from './keys.js';

/** A small item per journey, minute and counter, counted with ADD; TTL removes it an hour on. */
export class DynamoJourneyRateCounter implements JourneyRateCounter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(shopId: string, journeyId: string, minute: string, counter: number): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.journeyRate(shopId, journeyId, minute, counter),
        UpdateExpression: 'ADD sends :one SET expiresAt = :exp',
        ExpressionAttributeValues: {
          ':one': 1,
          ':exp': Math.floor(Date.parse(`${minute}:00Z`) / 1000) + 3600,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return (out.Attributes?.sends as number | undefined) ?? 1;
  }
}
