import { DynamoShopSendingStore } from '../../../shared/adapters/dynamodb/shop-sending-store.js';
import { json, jsonBody } from '../../../shared/http/responses.js';
import {
  getSendingSettings,
  putSendingSettings,
} from '../../../shared/use-cases/sending/sending-settings.js';
import type { ApiDeps, ApiRoute } from '../context.js';

/** The shop's sending settings: sender, reply-to, attribution windows, SMS price cap, link hosts; the pause shown. */
export function sendingSettingsRoutes(deps: ApiDeps): ApiRoute[] {
  const settings = { sending: new DynamoShopSendingStore(deps.doc, deps.tableName) };
  return [
    {
      method: 'GET',
      path: '/v1/settings/sending',
      run: async ({ shop }) => json(200, await getSendingSettings(settings, shop.shopId)),
    },
    {
      method: 'PUT',
      path: '/v1/settings/sending',
      run: async ({ shop, event }) =>
        json(200, await putSendingSettings(settings, shop.shopId, jsonBody(event))),
    },
  ];
}
