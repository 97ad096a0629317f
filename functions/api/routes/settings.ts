import { DynamoJourneyStore } from '../../../shared/adapters/dynamodb/journey-store.js';
import { DynamoShopStore } from '../../../shared/adapters/dynamodb/shop-store.js';
import { json, jsonBody } from '../../../shared/http/responses.js';
import {
  contactPolicySettingsOf,
  couponRulesView,
  putContactPolicy,
  putCouponRules,
  putTiers,
  tiersView,
} from '../../../shared/use-cases/shops/shop-settings.js';
import type { ApiDeps, ApiRoute } from '../context.js';

/** The settings a shop edits itself: its contact policy, its coupon rules and its tiers. */
export function settingsRoutes(deps: ApiDeps): ApiRoute[] {
  const settings = {
    shops: new DynamoShopStore(deps.doc, deps.tableName),
    journeys: new DynamoJourneyStore(deps.doc, deps.tableName),
  };
  return [
    {
      method: 'GET',
      path: '/v1/settings/contact-policy',
      run: async ({ shop }) => json(200, contactPolicySettingsOf(shop)),
    },
    {
      method: 'PUT',
      path: '/v1/settings/contact-policy',
      run: async ({ shop, event }) => json(200, await putContactPolicy(settings, shop, jsonBody(event))),
    },
    {
      method: 'GET',
      path: '/v1/settings/coupon-rules',
      run: async ({ shop }) => json(200, couponRulesView(shop)),
    },
    {
      method: 'PUT',
      path: '/v1/settings/coupon-rules',
      run: async ({ shop, event }) => json(200, await putCouponRules(settings, shop, jsonBody(event))),
    },
    {
      method: 'GET',
      path: '/v1/settings/tiers',
      run: async ({ shop }) => json(200, tiersView(shop)),
    },
    {
      method: 'PUT',
      path: '/v1/settings/tiers',
      run: async ({ shop, event }) => json(200, await putTiers(settings, shop, jsonBody(event))),
    },
  ];
}
