import type { StoredEvent } from '../../shared/domain/customers/events.js';
import { normalizeBatch } from '../../shared/domain/customers/normalize.js';
import type { ShopSettings } from '../../shared/domain/shops/shop.js';
import { parseBody } from '../../shared/http/responses.js';
import { eventBatchSchema } from '../../shared/http/schemas.js';
import { type ApplyEventsDeps, applyNewEvents } from '../../shared/use-cases/customers/apply-events.js';
import { getCustomer } from '../../shared/use-cases/customers/get-customer.js';
import { ingestEvents } from '../../shared/use-cases/customers/ingest-events.js';
import { FakeClock } from './fakes/clock.js';
import { FakeErasureStore, FakeEventStore, FakeProfileStore } from './fakes/customers.js';
import { FakeRefreshResultStore } from './fakes/refresh-results.js';
import { FakeTable } from './fakes/table.js';
import { teaShop } from './shop-events.js';

export type CustomersWorld = ReturnType<typeof customersWorld>;

/** One shop's customers in memory: the stores over one table, a clock, and the use cases wired to them. */
export function customersWorld(settings: ShopSettings = teaShop()) {
  const clock = new FakeClock();
  const table = new FakeTable();
  const profiles = new FakeProfileStore(table, clock.now);
  const events = new FakeEventStore(table);
  const erasure = new FakeErasureStore(table);
  const results = new FakeRefreshResultStore();
  const deps: ApplyEventsDeps = { profiles, clock: clock.now, shopSettings: async () => settings };
  const stored = (raws: unknown[]): StoredEvent[] =>
    normalizeBatch(raws, settings, clock.now(), (i) => ['events', i]);
  const customer = (customerId: string) =>
    getCustomer({ profiles, events, results, clock: clock.now }, settings, customerId);
  return {
    settings,
    clock,
    table,
    profiles,
    events,
    erasure,
    results,
    deps,
    stored,
    /** Applies events as one stream batch would; returns the ids whose customer could not be committed. */
    apply: (raws: unknown[]) => applyNewEvents(deps, stored(raws)),
    /** What POST /v1/events does: the envelope checked, then the use case. */
    ingest: async (raws: unknown[]) =>
      ingestEvents(events, settings, parseBody(eventBatchSchema, { events: raws }).events, clock.now()),
    /** Delivers the stream until it is quiet, as the stream handler would. */
    settle: async () => {
      for (let batch = table.takeStream(); batch.length > 0; batch = table.takeStream()) {
        const failed = await applyNewEvents(deps, batch);
        if (failed.size > 0) throw new Error(`events not applied: ${[...failed].join(', ')}`);
      }
    },
    customer,
    stats: async (customerId: string) => (await customer(customerId)).stats,
  };
}
