import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { campaignDeps } from '../../../shared/adapters/dynamodb/campaign-deps.js';
import { DynamoJourneyStore } from '../../../shared/adapters/dynamodb/journey-store.js';
import { dryRunStores } from '../../../shared/adapters/memory/dry-run-stores.js';
import { loadConfig } from '../../../shared/config.js';
import { json, jsonBody, parseBody } from '../../../shared/http/responses.js';
import {
  cancelCampaign,
  createCampaign,
  estimateSaved,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from '../../../shared/use-cases/campaigns/campaigns.js';
import { simulateCampaign, simulateSchema } from '../../../shared/use-cases/campaigns/simulate.js';
import {
  journeySimulationSchema,
  simulateJourney,
} from '../../../shared/use-cases/journeys/simulate-journey.js';
import type { ApiDeps, ApiRoute } from '../context.js';

const idempotencyKeySchema = z.string().min(1).max(200).optional();

/** Campaigns (store activities) and the dry run (of a campaign or a journey). */
export function campaignRoutes(deps: ApiDeps): ApiRoute[] {
  const queueUrl = loadConfig().CAMPAIGN_QUEUE_URL;
  if (!queueUrl) throw new Error('CAMPAIGN_QUEUE_URL is required');
  const campaigns = campaignDeps(deps.doc, deps.tableName, new SQSClient({}), queueUrl, deps.clock);
  const dryRuns = {
    journeys: new DynamoJourneyStore(deps.doc, deps.tableName),
    world: dryRunStores,
    clock: deps.clock,
  };
  return [
    {
      method: 'POST',
      path: '/v1/campaigns',
      run: async ({ shop, event }) => {
        const key = parseBody(idempotencyKeySchema, event.headers?.['idempotency-key']);
        const answer = await createCampaign(campaigns, shop, jsonBody(event), key);
        return json(answer.created ? 201 : 200, answer);
      },
    },
    {
      method: 'GET',
      path: '/v1/campaigns',
      run: async ({ shop }) => json(200, await listCampaigns(campaigns, shop)),
    },
    {
      method: 'GET',
      path: '/v1/campaigns/{id}',
      run: async ({ shop, params }) => json(200, await getCampaign(campaigns, shop, params.id ?? '')),
    },
    {
      method: 'PUT',
      path: '/v1/campaigns/{id}',
      run: async ({ shop, params, event }) =>
        json(200, await updateCampaign(campaigns, shop, params.id ?? '', jsonBody(event))),
    },
    {
      method: 'DELETE',
      path: '/v1/campaigns/{id}',
      run: async ({ shop, params }) => json(200, await cancelCampaign(campaigns, shop, params.id ?? '')),
    },
    {
      method: 'POST',
      path: '/v1/campaigns/{id}/estimate',
      run: async ({ shop, params }) => json(200, await estimateSaved(campaigns, shop, params.id ?? '')),
    },
    {
      method: 'POST',
      path: '/v1/simulate',
      run: async ({ shop, event }) => {
        const body = jsonBody(event);
        // A body naming a journey is a journey's dry run; anything else is a campaign's.
        if (body !== null && typeof body === 'object' && 'journey' in body)
          return json(200, await simulateJourney(dryRuns, shop, parseBody(journeySimulationSchema, body)));
        return json(200, await simulateCampaign(campaigns, shop, parseBody(simulateSchema, body)));
      },
    },
  ];
}
