import type {
  SegmentDefinitionStore,
  StoredSegmentDefinition,
} from '../../../shared/ports/segments/definition-store.js';
import { copy } from './faults.js';

/**
 * The definition store of DynamoSegmentDefinitionStore: one definition per shop and id, listed by id
 * (the sort key's order), written only at the version expected (0: only where none is).
 */
export class FakeSegmentDefinitionStore implements SegmentDefinitionStore {
  private readonly shops = new Map<string, Map<string, StoredSegmentDefinition>>();
  /** Runs before each put: a test's concurrent writer. */
  beforePut?: () => void | Promise<void>;

  private of(shopId: string): Map<string, StoredSegmentDefinition> {
    const shop = this.shops.get(shopId) ?? new Map<string, StoredSegmentDefinition>();
    this.shops.set(shopId, shop);
    return shop;
  }

  async list(shopId: string): Promise<StoredSegmentDefinition[]> {
    return copy([...this.of(shopId).values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
  }

  async get(shopId: string, segmentId: string): Promise<StoredSegmentDefinition | null> {
    const found = this.of(shopId).get(segmentId);
    return found ? copy(found) : null;
  }

  async put(shopId: string, definition: StoredSegmentDefinition, expectedVersion: number): Promise<boolean> {
    await this.beforePut?.();
    const shop = this.of(shopId);
    if ((shop.get(definition.id)?.version ?? 0) !== expectedVersion) return false;
    shop.set(definition.id, copy(definition));
    return true;
  }

  async delete(shopId: string, segmentId: string): Promise<boolean> {
    return this.of(shopId).delete(segmentId);
  }
}
