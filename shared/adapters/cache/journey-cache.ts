import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import type { JourneyStore } from '../../ports/journeys/journey-store.js';
import { listJourneys } from '../../use-cases/journeys/journey-definitions.js';

const ttlMs = 30_000;

/**
 * A shop's enabled journeys are read for every stream batch and tick: keep them half a minute per
 * container. A journey enabled or changed reaches the runtime within that.
 */
export function enabledJourneysCache(
  store: JourneyStore,
  clock: () => Date,
): (shopId: string) => Promise<JourneyDefinition[]> {
  const cache = new Map<string, { defs: JourneyDefinition[]; until: number }>();
  return async (shopId) => {
    const t = clock().getTime();
    const hit = cache.get(shopId);
    if (hit && hit.until > t) return hit.defs;
    const defs = (await listJourneys({ journeys: store }, shopId))
      .filter((j) => j.enabled)
      .map((j) => j.definition);
    cache.set(shopId, { defs, until: t + ttlMs });
    return defs;
  };
}
