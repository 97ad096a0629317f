import { isBuiltInSegment } from '../../domain/segments/engine.js';
import { type LiveSegments, liveSegmentsOf } from '../../domain/segments/live.js';
import type { SegmentDefinitionStore } from '../../ports/segments/definition-store.js';

/**
 * A shop's live segments from its saved definitions (the stream keeps them as events arrive).
 * Definitions are validated when saved; should a saved set ever not compile, events still apply and
 * the memberships wait for the nightly refresh, which reports the problem.
 */
export async function liveSegmentsOfShop(
  definitions: SegmentDefinitionStore,
  shopId: string,
): Promise<LiveSegments> {
  const saved = await definitions.list(shopId);
  try {
    return liveSegmentsOf(
      saved.map(({ id, name, rule }) => ({ id, name, rule })),
      isBuiltInSegment,
    );
  } catch {
    return { segments: [], ids: new Set() };
  }
}
