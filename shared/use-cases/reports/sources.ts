import type { SendSource } from '../../domain/sending/send-identity.js';
import type { CampaignStore } from '../../ports/campaigns/campaign-store.js';
import type { JourneyStore } from '../../ports/journeys/journey-store.js';
import { listJourneys } from '../journeys/journey-definitions.js';

/** Everything of a shop that sends: its campaigns, and its journeys (the playbooks as shipped too). */
export async function sendSourcesOf(
  deps: { campaigns: Pick<CampaignStore, 'list'>; journeys: JourneyStore },
  shopId: string,
): Promise<SendSource[]> {
  const [campaigns, journeys] = await Promise.all([deps.campaigns.list(shopId), listJourneys(deps, shopId)]);
  return [
    ...campaigns.map((c) => ({ kind: 'campaign' as const, campaignId: c.id })),
    ...journeys.map((j) => ({ kind: 'journey' as const, journeyId: j.journeyId })),
  ];
}
