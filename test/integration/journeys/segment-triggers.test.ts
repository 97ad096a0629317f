import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoProfileStore } from '../../../shared/adapters/dynamodb/profile-store.js';
import { DynamoSegmentStore } from '../../../shared/adapters/dynamodb/segment-store.js';
import { playbooks } from '../../../shared/domain/journeys/playbooks.js';
import { isHeldOut, isInGlobalControl } from '../../../shared/domain/sending/holdout.js';
import {
  advance,
  call,
  control,
  newShop,
  type Shop,
  settle,
  stack,
  useStackDynamoDb,
} from '../../support/api.js';
import { orderPaid, orderPlaced } from '../../support/events.js';
import { queuedSendRequests } from '../../support/send-queue.js';

/**
 * Dormant win-back started by the nightly refresh on the local stack: the refresh fired by hand as
 * of a date, its apply tasks through the local refresh queue to the worker, which tells the shop's
 * journeys who entered at-risk before it commits the memberships; the send requests are read from
 * the local send queue's journal.
 *
 * Mei bought once, ten days before the stack's clock: the first refresh places her (honeymoon)
 * and starts nothing; one as of forty days on finds her a one-timer past the honeymoon, at risk.
 */
let shop: Shop;
let now: Date;
let mei: string;
const daysFrom = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();
const winBacks = () =>
  queuedSendRequests(shop.shopId, 'journey').filter(
    (r) => r.intent.source.kind === 'journey' && r.intent.source.journeyId === 'dormant-win-back',
  );
const refresh = (asOf: string) => control('POST', '/fire/segment-refresh', { shopIds: [shop.shopId], asOf });
const segmentsOf = async (customerId: string): Promise<string[]> =>
  (await call(shop, 'GET', `/v1/customers/${customerId}`)).body.segments;

/** A customer id the playbook's holdouts and the shop's global control group leave alone. */
function reachable(shopId: string): string {
  const steps = playbooks['dormant-win-back'].steps.map((s) => s.id);
  for (let n = 1; ; n++) {
    const id = `mei-${n}`;
    if (isInGlobalControl(shopId, id)) continue;
    if (steps.every((stepId) => !isHeldOut(shopId, id, { journeyId: 'dormant-win-back', stepId }))) return id;
  }
}

beforeAll(async () => {
  shop = await newShop();
  useStackDynamoDb();
  now = new Date((await control<{ now: string }>('GET', '/state')).now);
  mei = reachable(shop.shopId);
  expect((await call(shop, 'POST', '/v1/journeys/dormant-win-back/enable')).status).toBe(200);
  await call(shop, 'PUT', `/v1/customers/${mei}`, {
    name: 'Li Mei',
    email: 'mei@example.com',
    consent: { email: { marketing: true } },
  });
  const res = await call(shop, 'POST', '/v1/events', {
    events: [
      orderPlaced({ customerId: mei }, { orderId: 'SO-1', total: 88, at: daysFrom(-10) }),
      orderPaid({ customerId: mei }, 'SO-1', daysFrom(-10)),
    ],
  });
  expect(res.status).toBe(202);
  await settle();
});

describe('dormant win-back from the nightly refresh, on the local stack', () => {
  it('starts nothing on the first refresh, which places the customer', async () => {
    await refresh(now.toISOString());
    await settle();
    expect(await segmentsOf(mei)).toContain('lifecycle:honeymoon');
    expect(winBacks()).toEqual([]);
  });

  it('queues the first win-back message when a later refresh finds her at risk', async () => {
    await refresh(daysFrom(40));
    await settle();
    expect(await segmentsOf(mei)).toContain('lifecycle:at-risk');
    const [first, ...more] = winBacks();
    expect(more).toEqual([]);
    expect(first).toMatchObject({
      channel: 'email',
      purpose: 'marketing',
      templateId: 'winback-miss-you',
      intent: { customerId: mei, step: 'miss-you' },
      data: { trigger: { segment: 'lifecycle:at-risk' } },
    });
  });

  it('queues nothing more when the run is fired again as if its commit had died after journeys heard', async () => {
    // Mei's memberships put back to before the run, as a worker dying between the two would leave them.
    const doc = createDocumentClient();
    const profiles = new DynamoProfileStore(doc, stack().tableName, () => now);
    const stored = (await profiles.getProfiles(shop.shopId, [mei])).get(mei);
    const moved = stored?.profile.segments ?? [];
    const placed = moved.map((s) => (s === 'lifecycle:at-risk' ? 'lifecycle:honeymoon' : s));
    const putBack = await new DynamoSegmentStore(doc, stack().tableName).setMemberships(
      shop.shopId,
      mei,
      stored?.version ?? -1,
      {
        segments: placed,
        joined: placed.filter((s) => !moved.includes(s)),
        left: moved.filter((s) => !placed.includes(s)),
      },
    );
    expect(putBack).toBe(true);
    expect(await segmentsOf(mei)).toContain('lifecycle:honeymoon');
    // A minute on, the same instant again: a new run that finds the same move and makes the same event.
    await advance('1m');
    await refresh(daysFrom(40));
    await settle();
    expect(await segmentsOf(mei)).toContain('lifecycle:at-risk');
    expect(winBacks().map((r) => r.templateId)).toEqual(['winback-miss-you']);
  });

  it('escalates a week later with an offer that carries a coupon', async () => {
    await advance('7d');
    await settle();
    const offers = winBacks().filter((r) => r.templateId === 'winback-offer');
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({
      intent: { customerId: mei, step: 'free-shipping' },
      data: { coupon: { ruleId: 'free-shipping-80', code: expect.any(String) } },
    });
  });
});
