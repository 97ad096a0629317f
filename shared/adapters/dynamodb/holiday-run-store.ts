import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HolidayRunStore } from '../../ports/journeys/holiday-runs.js';
import { keys } from './keys.js';

/** Kept past any tick that could still look back to the holiday, then expired by TTL. */
const keptSeconds = 30 * 86_400;

/** One small item per shop and holiday fanned out (keys.ts). */
export class DynamoHolidayRunStore implements HolidayRunStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async started(shopId: string, eventId: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.holidayRun(shopId, eventId) }),
    );
    return out.Item !== undefined;
  }

  async markStarted(shopId: string, eventId: string, at: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.holidayRun(shopId, eventId),
          startedAt: at.toISOString(),
          expiresAt: Math.floor(at.getTime() / 1000) + keptSeconds,
        },
      }),
    );
  }
}
