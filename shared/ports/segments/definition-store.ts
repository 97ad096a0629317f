/** A shop's custom segment, as saved: the rule is validated by the domain before it is stored. */
export interface StoredSegmentDefinition {
  id: string;
  name: string;
  description?: string;
  rule: unknown;
  createdAt: string;
  updatedAt: string;
  /** Bumped on every change; a PUT may name the version it read. */
  version: number;
}

export interface SegmentDefinitionStore {
  list(shopId: string): Promise<StoredSegmentDefinition[]>;
  get(shopId: string, segmentId: string): Promise<StoredSegmentDefinition | null>;
  /** Writes the definition if the stored version is still `expectedVersion` (0: must not exist). */
  put(shopId: string, definition: StoredSegmentDefinition, expectedVersion: number): Promise<boolean>;
  delete(shopId: string, segmentId: string): Promise<boolean>;
}
