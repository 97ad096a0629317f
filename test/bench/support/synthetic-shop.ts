import { marshall } from '@aws-sdk/util-dynamodb';
import { seededRandom } from '../../../infra/local/seeded-random.js';
import { profileItem } from '../../../shared/adapters/dynamodb/profile-store.js';
import { chunk } from '../../../shared/domain/collections.js';
import { emptyActivity, newProfile, type OrderFacts } from '../../../shared/domain/customers/profile.js';
import { itemSize } from './billing-meter.js';
import { type BenchStack, log, rawBatchWrite, round, seconds } from './stack.js';

/**
 * A large synthetic shop written straight into the bench stack's table, as the intake would leave
 * its customers (traits, a few paid orders, the byValue keys): fast enough for 100,000 customers,
 * where sending their events through the API would take most of an hour on this machine.
 */

export type Synthetic = { id: string; totals: number[]; firstOrderDay: number; consent: boolean };

/**
 * Baskets log-normal around 120 (minor units ×100), 1–4 orders a month apart from a first order in
 * the two years before 2026-11-01, 70% consent to marketing email.
 */
export function syntheticShop(count: number): Synthetic[] {
  const rnd = seededRandom(9);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: count }, (_, i) => {
    const basket = 120 * Math.exp(0.6 * normal());
    const orders = 1 + Math.floor(rnd() * 4);
    const totals = Array.from({ length: orders }, () =>
      Math.max(100, Math.round(basket * (0.8 + 0.4 * rnd()) * 100)),
    );
    const firstOrderDay = Math.floor(rnd() * 600);
    return { id: `c${String(i).padStart(6, '0')}`, totals, firstOrderDay, consent: rnd() < 0.7 };
  });
}

export const aovOf = (s: Synthetic) => Math.round(s.totals.reduce((a, b) => a + b, 0) / s.totals.length);

const start = Date.parse('2024-11-01T00:00:00Z');

function itemOf(shopId: string, s: Synthetic, now: string): Record<string, unknown> {
  const profile = newProfile(shopId, s.id, now);
  profile.traits = { email: `${s.id}@example.com`, consent: { email: { marketing: s.consent } } };
  const activity = emptyActivity();
  s.totals.forEach((total, i) => {
    const placedAt = new Date(start + (s.firstOrderDay + i * 30) * 86_400_000).toISOString();
    const order: OrderFacts = {
      placedAt,
      paidAt: placedAt,
      total,
      currency: 'CNY',
      refunds: {},
      discounted: false,
      categories: ['tea'],
    };
    activity.orders[`${s.id}-${i}`] = order;
  });
  activity.firstSeenAt = now;
  activity.lastSeenAt = now;
  profile.activity = activity;
  return profileItem(
    { profile, version: 1, identities: [`email:${s.id}@example.com`], applied: {}, outbox: [] },
    aovOf(s),
    now,
  );
}

/** A new shop with `count` synthetic customers in the table. */
export async function writeSyntheticShop(stack: BenchStack, shopId: string, count: number) {
  const { settings, key } = await stack.newShop(shopId);
  const shop = syntheticShop(count);
  const now = new Date().toISOString();
  const items = shop.map((s) => itemOf(settings.shopId, s, now));
  const sample = items.slice(0, 1000);
  const averageItemBytes = Math.round(
    sample.reduce((sum, i) => sum + itemSize(marshall(i, { removeUndefinedValues: true })), 0) /
      sample.length,
  );
  const started = Date.now();
  for (const [i, part] of chunk(items, 10_000).entries()) {
    await rawBatchWrite(stack.doc, stack.runtime.tableName, part);
    log(`${shopId}: ${Math.min(count, (i + 1) * 10_000)} customers written (${round(seconds(started))} s)`);
  }
  return { settings, key, shop, averageItemBytes, secondsToWrite: seconds(started) };
}
