import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { perShopCache } from '../../shared/adapters/cache/per-shop-cache.js';
import { DynamoCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoErasureStore } from '../../shared/adapters/dynamodb/erasure-store.js';
import { DynamoEventStore } from '../../shared/adapters/dynamodb/event-store.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { DynamoProfileStore } from '../../shared/adapters/dynamodb/profile-store.js';
import { DynamoRefreshResultStore } from '../../shared/adapters/dynamodb/refresh-result-store.js';
import { DynamoSegmentDefinitionStore } from '../../shared/adapters/dynamodb/segment-definition-store.js';
import { DynamoSendRecordStore } from '../../shared/adapters/dynamodb/send-record-store.js';
import { DynamoShopStore } from '../../shared/adapters/dynamodb/shop-store.js';
import { now } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { eventExpiry } from '../../shared/domain/customers/profile.js';
import { customerIdSchema } from '../../shared/domain/customers/traits.js';
import { ValidationError } from '../../shared/domain/errors.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import { type CredentialScheme, presentedApiKey } from '../../shared/http/credentials.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { httpErrors, json, jsonBody, parseBody } from '../../shared/http/responses.js';
import { router } from '../../shared/http/router.js';
import { eventBatchSchema } from '../../shared/http/schemas.js';
import { observability } from '../../shared/observability.js';
import { eraseCustomer } from '../../shared/use-cases/customers/erase-customer.js';
import { getCustomer } from '../../shared/use-cases/customers/get-customer.js';
import { ingestEvents } from '../../shared/use-cases/customers/ingest-events.js';
import { putCustomer } from '../../shared/use-cases/customers/put-customer.js';
import { ingestSegment } from '../../shared/use-cases/intake/ingest-segment.js';
import { sendSourcesOf } from '../../shared/use-cases/reports/sources.js';
import { liveSegmentsOfShop } from '../../shared/use-cases/segments/live-segments.js';
import { authenticate, enforceRateLimit } from '../../shared/use-cases/shops/api-keys.js';
import type { ApiDeps, ApiRoute, ShopContext } from './context.js';
import { audienceRoutes } from './routes/audiences.js';
import { campaignRoutes } from './routes/campaigns.js';
import { couponRoutes } from './routes/coupons.js';
import { journeyRoutes } from './routes/journeys.js';
import { predictionRoutes } from './routes/predictions.js';
import { reportRoutes } from './routes/reports.js';
import { segmentRoutes } from './routes/segments.js';
import { sendingSettingsRoutes } from './routes/sending-settings.js';
import { settingsRoutes } from './routes/settings.js';
import { templateRoutes } from './routes/templates.js';

const { logger, metrics, tracer } = observability('api');
const config = loadConfig();
const doc = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const shops = new DynamoShopStore(doc, config.TABLE_NAME);
const profiles = new DynamoProfileStore(doc, config.TABLE_NAME, now);
const erasure = new DynamoErasureStore(doc, config.TABLE_NAME);
const results = new DynamoRefreshResultStore(doc, config.TABLE_NAME);
const eventStores = new Map<string, DynamoEventStore>();

/** Event expiry follows each shop's retention setting. */
function eventsFor(shop: ShopSettings): DynamoEventStore {
  const key = `${shop.shopId}:${shop.browsingRetentionDays}`;
  let store = eventStores.get(key);
  if (!store) {
    store = new DynamoEventStore(doc, config.TABLE_NAME, (e) => eventExpiry(e, shop));
    eventStores.set(key, store);
  }
  return store;
}

function customerId(params: Record<string, string>): string {
  const parsed = customerIdSchema.safeParse(params.id);
  if (!parsed.success)
    throw new ValidationError([{ path: 'id', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
  return parsed.data;
}

const definitions = new DynamoSegmentDefinitionStore(doc, config.TABLE_NAME);
const liveSegments = perShopCache((shopId) => liveSegmentsOfShop(definitions, shopId), now);

const sendRecords = new DynamoSendRecordStore(doc, config.TABLE_NAME);

const deps: ApiDeps = { doc, tableName: config.TABLE_NAME, profiles, eventsFor, clock: now };

// Each context's routes live beside this file (routes/); these are intake and customers.
const routes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/health',
    public: true,
    run: async () => json(200, { status: 'ok', time: now().toISOString() }),
  },
  { method: 'GET', path: '/v1/openapi.json', public: true, run: async () => json(200, openApiDocument()) },
  {
    method: 'POST',
    path: '/v1/events',
    run: async ({ shop, event }) => {
      const { events } = parseBody(eventBatchSchema, jsonBody(event));
      const result = await ingestEvents(eventsFor(shop), shop, events, now());
      metrics.addMetric('eventsAccepted', MetricUnit.Count, result.accepted);
      return json(202, result);
    },
  },
  {
    method: 'POST',
    path: '/v1/segment/{kind}',
    // Segment and RudderStack libraries send the key their own way; they work unmodified.
    credentials: 'write-key',
    run: async ({ shop, event, params }) =>
      json(
        200,
        await ingestSegment(
          { events: eventsFor(shop), profiles, clock: now },
          shop,
          params.kind ?? '',
          jsonBody(event),
        ),
      ),
  },
  {
    method: 'PUT',
    path: '/v1/customers/{id}',
    run: async ({ shop, event, params }) => {
      const profile = await putCustomer(
        { profiles, clock: now, liveSegments },
        shop,
        customerId(params),
        jsonBody(event),
      );
      return json(200, { customerId: profile.customerId, traits: profile.traits });
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/{id}',
    run: async ({ shop, params }) =>
      json(
        200,
        await getCustomer(
          { profiles, events: eventsFor(shop), results, clock: now },
          shop,
          customerId(params),
        ),
      ),
  },
  {
    method: 'DELETE',
    path: '/v1/customers/{id}',
    run: async ({ shop, params }) => {
      await eraseCustomer(profiles, erasure, shop, customerId(params), now());
      return { statusCode: 204 };
    },
  },
  ...segmentRoutes(deps),
  ...predictionRoutes(deps),
  ...audienceRoutes(deps),
  ...journeyRoutes(deps),
  ...campaignRoutes(deps),
  ...templateRoutes(deps),
  ...sendingSettingsRoutes(deps),
  ...settingsRoutes(deps),
  ...couponRoutes(deps),
  ...reportRoutes({
    sendRecords,
    sources: (shopId) =>
      sendSourcesOf(
        {
          campaigns: new DynamoCampaignStore(doc, config.TABLE_NAME),
          journeys: new DynamoJourneyStore(doc, config.TABLE_NAME),
        },
        shopId,
      ),
  }),
];

async function authorize(event: APIGatewayProxyEventV2, credentials: CredentialScheme): Promise<ShopContext> {
  const shop = await authenticate(shops, presentedApiKey(event, credentials));
  logger.appendKeys({ shopId: shop.shopId });
  await enforceRateLimit(shops, shop, now());
  return { shop };
}

export const handler = middy(router(routes, authorize))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .use(httpErrors(logger));
