import { beforeAll, describe, expect, it } from 'vitest';
import { isHeldOut, isInGlobalControl } from '../../../shared/domain/sending/holdout.js';
import { call, newShop, type Shop, settle } from '../../support/api.js';
import { freeShipping } from '../../support/campaigns.js';
import { orderPlaced } from '../../support/events.js';
import { awaitSendRequests, queuedSendRequests } from '../../support/send-queue.js';

/**
 * A shop whose customers' orders put 24 of them just under free shipping from 80: the exact body of
 * the issue POSTed to the real API launches at once, shows the audience after the contact policy, and
 * the send queue receives one request per customer: treated ones to send, the holdout withheld.
 */
const inBand = Array.from({ length: 24 }, (_, i) => ({ id: `fit-${i}`, total: 50 + i }));
const others = [
  ...Array.from({ length: 10 }, (_, i) => ({ id: `big-${i}`, total: 150 + i * 10 })),
  ...Array.from({ length: 6 }, (_, i) => ({ id: `small-${i}`, total: 10 + i })),
];

let shop: Shop;

/** An hour-offset zone where it is now early afternoon, so quiet hours hold nobody back. */
function afternoonZone(now: Date): string {
  let offset = 13 - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

beforeAll(async () => {
  const health = await call(null, 'GET', '/v1/health');
  shop = await newShop({ rateLimitPerSecond: 100_000, timeZone: afternoonZone(new Date(health.body.time)) });
  for (const c of [...inBand, ...others]) {
    const res = await call(shop, 'PUT', `/v1/customers/${c.id}`, {
      email: `${c.id}@example.com`,
      consent: { email: { marketing: true } },
    });
    if (res.status !== 200) throw new Error(`PUT ${c.id}: ${res.status}`);
  }
  const at = new Date(Date.parse(health.body.time) - 20 * 86_400_000).toISOString();
  const events = [...inBand, ...others].map((c) => {
    const e = orderPlaced({ customerId: c.id }, { orderId: `${c.id}-1`, total: c.total, at });
    return { ...e, properties: { ...e.properties, paidAt: at } };
  });
  const res = await call(shop, 'POST', '/v1/events', { events });
  if (res.status !== 202) throw new Error(`POST /v1/events: ${res.status} ${JSON.stringify(res.body)}`);
  await settle();
}, 300_000);

describe('POST /v1/campaigns on the local stack', () => {
  it('launches the free-shipping offer at once: audience shown first, then requests on the send queue', async () => {
    const res = await call(shop, 'POST', '/v1/campaigns', freeShipping);
    expect(res.status).toBe(201);
    const { campaign, estimate } = res.body;
    const held = inBand
      .map((c) => c.id)
      .filter(
        (id) =>
          isInGlobalControl(shop.shopId, id) || isHeldOut(shop.shopId, id, { campaignId: campaign.id }, 0.1),
      );
    expect(campaign).toMatchObject({
      ...freeShipping,
      status: 'launched',
      templateId: 'campaign-free-shipping',
    });
    expect(estimate).toMatchObject({
      audience: 24,
      send: 24 - held.length,
      complete: true,
      deferred: {},
      skipped: {},
    });
    expect(estimate.heldOut + estimate.globalControl).toBe(held.length);

    const requests = await awaitSendRequests(shop.shopId, 24, 'campaign');
    expect(requests).toHaveLength(24);
    const treated = requests.filter((r) => !r.withheld);
    expect(treated.map((r) => r.intent.customerId).sort()).toEqual(
      inBand
        .map((c) => c.id)
        .filter((id) => !held.includes(id))
        .sort(),
    );
    for (const r of treated)
      expect(r).toMatchObject({
        intent: { source: { kind: 'campaign', campaignId: campaign.id }, step: 'launch', occurrence: 'once' },
        channel: 'email',
        purpose: 'marketing',
        templateId: 'campaign-free-shipping',
        data: { offer: { type: 'free_shipping', threshold: 80, fit: { threshold: 80 } } },
      });
    const withheld = requests.filter((r) => r.withheld);
    expect(withheld.map((r) => r.intent.customerId).sort()).toEqual([...held].sort());
    expect(new Set(withheld.map((r) => r.withheld?.reason))).toEqual(
      new Set(held.map((id) => (isInGlobalControl(shop.shopId, id) ? 'global-control' : 'held-out'))),
    );
    expect(new Set(requests.map((r) => r.sendId)).size).toBe(24);

    const one = await call(shop, 'GET', `/v1/campaigns/${campaign.id}`);
    expect(one).toMatchObject({ status: 200, body: { id: campaign.id, status: 'launched' } });
    const list = await call(shop, 'GET', '/v1/campaigns');
    expect(list.body.campaigns.map((c: { id: string }) => c.id)).toEqual([campaign.id]);
    // Launched: no longer changeable; the saved campaign's estimate now finds the customers contacted.
    expect((await call(shop, 'PUT', `/v1/campaigns/${campaign.id}`, freeShipping)).status).toBe(409);
    const again = await call(shop, 'POST', `/v1/campaigns/${campaign.id}/estimate`);
    expect(again.body.deferred).toEqual({ 'activity-cap': 24 - held.length });
  }, 120_000);

  it('dry-runs a draft without queuing anything, and names what is wrong by path', async () => {
    const before = queuedSendRequests(shop.shopId, 'campaign').length;
    const sim = await call(shop, 'POST', '/v1/simulate', {
      campaign: { ...freeShipping, name: 'Weekly', schedule: { cron: '0 13 * * *' } },
      days: 3,
    });
    expect(sim.status).toBe(200);
    expect(sim.body.runs).toHaveLength(3);
    expect(sim.body.messages.length).toBeGreaterThan(0);
    await settle();
    expect(queuedSendRequests(shop.shopId, 'campaign')).toHaveLength(before);
    const journey = await call(shop, 'POST', '/v1/simulate', { journey: { id: 'welcome' } });
    expect(journey.status).toBe(400);
    // A journey is played too (test/integration/api/settings-and-simulate.test.ts); this draft is incomplete.
    expect(journey.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'journey.name',
      'journey.steps',
      'journey.trigger',
    ]);
    const bad = await call(shop, 'POST', '/v1/campaigns', {
      ...freeShipping,
      offer: { type: 'free_shipping', threshold: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'offer.threshold', message: expect.any(String) }]);
  }, 60_000);
});
