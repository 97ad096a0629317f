import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { HolidayPageDeps, HolidayTickDeps } from '../../use-cases/journeys/holidays.js';
import { enabledJourneysCache } from '../cache/journey-cache.js';
import { SqsHolidayQueue } from '../sqs/holiday-queue.js';
import { DynamoCustomerDirectory } from './customer-directory.js';
import { DynamoHolidayRunStore } from './holiday-run-store.js';
import { journeyRuntimeDeps } from './journey-deps.js';
import { DynamoJourneyStore } from './journey-store.js';
import { DynamoShopStore } from './shop-store.js';

/** What the hourly tick needs to start holidays: the shops, their journeys, the run marks, the queue. */
export function holidayTickDeps(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  sqs: SQSClient;
  campaignQueueUrl: string;
  clock: () => Date;
}): HolidayTickDeps {
  const { doc, tableName, clock } = options;
  return {
    shops: new DynamoShopStore(doc, tableName),
    enabled: enabledJourneysCache(new DynamoJourneyStore(doc, tableName), clock),
    runs: new DynamoHolidayRunStore(doc, tableName),
    queue: new SqsHolidayQueue(options.sqs, options.campaignQueueUrl),
    directory: new DynamoCustomerDirectory(doc, tableName),
  };
}

/** What a holiday page needs: the journey runtime, the customer directory and the queue for the next page. */
export function holidayPageDeps(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  sqs: SQSClient;
  sendQueueUrl: string;
  campaignQueueUrl: string;
  clock: () => Date;
  shopSettings: (shopId: string) => Promise<ShopSettings>;
}): HolidayPageDeps {
  return {
    ...journeyRuntimeDeps(options),
    directory: new DynamoCustomerDirectory(options.doc, options.tableName),
    queue: new SqsHolidayQueue(options.sqs, options.campaignQueueUrl),
  };
}
