import { DynamoJourneyStore } from '../../../shared/adapters/dynamodb/journey-store.js';
import { DynamoShopStore } from '../../../shared/adapters/dynamodb/shop-store.js';
import { json, jsonBody } from '../../../shared/http/responses.js';
import { holidayCalendarOf, setHolidayCalendar } from '../../../shared/use-cases/journeys/holidays.js';
import {
  createJourney,
  getJourney,
  listJourneys,
  setJourneyEnabled,
  updateJourney,
} from '../../../shared/use-cases/journeys/journey-definitions.js';
import type { ApiDeps, ApiRoute } from '../context.js';

/** Journeys: the playbook library and the shop's own, versioned, enabled per shop; the holiday calendar. */
export function journeyRoutes(deps: ApiDeps): ApiRoute[] {
  const crud = { journeys: new DynamoJourneyStore(deps.doc, deps.tableName), clock: deps.clock };
  const toggle = (enabled: boolean): ApiRoute => ({
    method: 'POST',
    path: `/v1/journeys/{id}/${enabled ? 'enable' : 'disable'}`,
    run: async ({ shop, params }) => json(200, await setJourneyEnabled(crud, shop, params.id ?? '', enabled)),
  });
  const shops = new DynamoShopStore(deps.doc, deps.tableName);
  return [
    { method: 'GET', path: '/v1/holidays', run: async ({ shop }) => json(200, holidayCalendarOf(shop)) },
    {
      method: 'PUT',
      path: '/v1/holidays',
      run: async ({ shop, event }) => json(200, await setHolidayCalendar(shops, shop, jsonBody(event))),
    },
    {
      method: 'GET',
      path: '/v1/journeys',
      run: async ({ shop }) => json(200, { journeys: await listJourneys(crud, shop.shopId) }),
    },
    {
      method: 'POST',
      path: '/v1/journeys',
      run: async ({ shop, event }) => json(201, await createJourney(crud, shop, jsonBody(event))),
    },
    toggle(true),
    toggle(false),
    {
      method: 'GET',
      path: '/v1/journeys/{id}',
      run: async ({ shop, params }) => json(200, await getJourney(crud, shop.shopId, params.id ?? '')),
    },
    {
      method: 'PUT',
      path: '/v1/journeys/{id}',
      run: async ({ shop, params, event }) =>
        json(200, await updateJourney(crud, shop, params.id ?? '', jsonBody(event))),
    },
  ];
}
