import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import type { ChangeDeps } from '../../use-cases/customers/change-customers.js';
import { segmentEventsWanted } from '../../use-cases/journeys/segment-triggers.js';
import { liveSegmentsOfShop } from '../../use-cases/segments/live-segments.js';
import { perShopCache } from '../cache/per-shop-cache.js';
import { DynamoProfileStore } from './profile-store.js';
import { DynamoSegmentDefinitionStore } from './segment-definition-store.js';

/**
 * A customer change as every writer of profiles decides it (the stream, the refresh's re-tier):
 * the shop's live segments kept, and a live move emitted only when an enabled journey starts on it
 * or hears it.
 */
export function customerChangeDeps(
  doc: DynamoDBDocumentClient,
  tableName: string,
  clock: () => Date,
  enabled: (shopId: string) => Promise<JourneyDefinition[]>,
): ChangeDeps & { profiles: DynamoProfileStore } {
  const definitions = new DynamoSegmentDefinitionStore(doc, tableName);
  return {
    profiles: new DynamoProfileStore(doc, tableName, clock),
    clock,
    liveSegments: perShopCache((shopId) => liveSegmentsOfShop(definitions, shopId), clock),
    segmentEventsWanted: async (shopId) => segmentEventsWanted(await enabled(shopId)),
  };
}
