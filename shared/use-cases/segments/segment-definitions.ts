import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { discoveryDefinitions } from '../../domain/segments/discovery.js';
import { builtInSegmentIds, isBuiltInSegment } from '../../domain/segments/engine.js';
import {
  compileSegments,
  customSegmentIdSchema,
  referencesOf,
  type SegmentDefinition,
  type SegmentRule,
  segmentRuleSchema,
} from '../../domain/segments/rules.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type {
  SegmentDefinitionStore,
  StoredSegmentDefinition,
} from '../../ports/segments/definition-store.js';
import type { RefreshResultStore } from '../../ports/segments/refresh-result-store.js';

/** A shop's custom segments: create, list, read, replace and delete, each validated as a whole. */

export interface SegmentDefinitionDeps {
  definitions: SegmentDefinitionStore;
  results: RefreshResultStore;
  clock: () => Date;
}

/** Words of the segment routes (/v1/segments/preview, /v1/segments/discover): no segment may be one. */
export const reservedSegmentIds: readonly string[] = ['preview', 'discover'];

const segmentIdSchema = customSegmentIdSchema.refine((id) => !reservedSegmentIds.includes(id), 'is reserved');

const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  rule: segmentRuleSchema,
};

export const newSegmentSchema = z.strictObject({ id: segmentIdSchema.optional(), ...fields });
export type NewSegment = z.infer<typeof newSegmentSchema>;

export const segmentUpdateSchema = z.strictObject({
  ...fields,
  /** The version read; without it, the stored one is replaced whatever it is. */
  version: z.number().int().min(1).optional(),
});
export type SegmentUpdate = z.infer<typeof segmentUpdateSchema>;

const asDefinition = (d: StoredSegmentDefinition): SegmentDefinition => ({
  id: d.id,
  name: d.name,
  rule: d.rule as SegmentRule,
});

/**
 * Validates a candidate together with the shop's other segments and the discovery groups, as the
 * refresh will run them: unknown references and cycles. Issues on the candidate keep their path
 * inside it (`rule.rules.1.id`); a cycle found at another segment is reported on `rule`, naming it.
 */
export function validateCandidate(
  candidate: SegmentDefinition,
  others: readonly StoredSegmentDefinition[],
): void {
  const all = [candidate, ...others.map(asDefinition), ...discoveryDefinitions];
  try {
    compileSegments(all, isBuiltInSegment);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      error.issues.map(({ path, message }) => {
        const [at, ...rest] = path.split('.');
        return at === '0'
          ? { path: rest.join('.'), message }
          : { path: 'rule', message: `${message} (at segment ${all[Number(at)]?.id})` };
      }),
    );
  }
}

/** A slug of the name (accents dropped, other letters gone), made unique among `taken`. */
export function slugOf(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56)
      .replace(/-+$/, '') || 'segment';
  const free = (id: string) => !taken.has(id) && segmentIdSchema.safeParse(id).success;
  if (free(base)) return base;
  for (let n = 2; ; n++) if (free(`${base}-${n}`)) return `${base}-${n}`;
}

function stored(
  id: string,
  body: NewSegment | SegmentUpdate,
  at: string,
  previous?: StoredSegmentDefinition,
): StoredSegmentDefinition {
  return {
    id,
    name: body.name,
    ...(body.description !== undefined && { description: body.description }),
    rule: body.rule,
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    version: (previous?.version ?? 0) + 1,
  };
}

export async function createSegment(
  deps: SegmentDefinitionDeps,
  shop: ShopSettings,
  body: NewSegment,
): Promise<StoredSegmentDefinition> {
  const existing = await deps.definitions.list(shop.shopId);
  const id = body.id ?? slugOf(body.name, new Set(existing.map((d) => d.id)));
  if (existing.some((d) => d.id === id)) throw new ConflictError(`segment ${id} exists`);
  validateCandidate({ id, name: body.name, rule: body.rule }, existing);
  const definition = stored(id, body, deps.clock().toISOString());
  if (!(await deps.definitions.put(shop.shopId, definition, 0)))
    throw new ConflictError(`segment ${id} exists`);
  return definition;
}

export async function getSegment(
  deps: Pick<SegmentDefinitionDeps, 'definitions'>,
  shop: ShopSettings,
  id: string,
): Promise<StoredSegmentDefinition> {
  const found = await deps.definitions.get(shop.shopId, id);
  if (!found) throw new NotFoundError(`segment ${id}`);
  return found;
}

export async function updateSegment(
  deps: SegmentDefinitionDeps,
  shop: ShopSettings,
  id: string,
  body: SegmentUpdate,
): Promise<StoredSegmentDefinition> {
  const existing = await deps.definitions.list(shop.shopId);
  const current = existing.find((d) => d.id === id);
  if (!current) throw new NotFoundError(`segment ${id}`);
  const stale = () =>
    new ConflictError(`segment ${id} has changed since version ${body.version ?? current.version}`);
  if (body.version !== undefined && body.version !== current.version) throw stale();
  validateCandidate(
    { id, name: body.name, rule: body.rule },
    existing.filter((d) => d.id !== id),
  );
  const definition = stored(id, body, deps.clock().toISOString(), current);
  if (!(await deps.definitions.put(shop.shopId, definition, current.version))) throw stale();
  return definition;
}

/** Refused while another segment refers to it: that segment would no longer compile. */
export async function deleteSegment(
  deps: Pick<SegmentDefinitionDeps, 'definitions'>,
  shop: ShopSettings,
  id: string,
): Promise<void> {
  const existing = await deps.definitions.list(shop.shopId);
  if (!existing.some((d) => d.id === id)) throw new NotFoundError(`segment ${id}`);
  const users = existing.filter((d) => d.id !== id && referencesOf(d.rule as SegmentRule).includes(id));
  if (users.length > 0)
    throw new ConflictError(`segment ${id} is used by ${users.map((d) => d.id).join(', ')}`);
  if (!(await deps.definitions.delete(shop.shopId, id))) throw new NotFoundError(`segment ${id}`);
}

export interface SegmentListing {
  /** When the latest refresh computed as of; null before the first. */
  refreshedAt: string | null;
  /**
   * `members` as of the latest refresh: null before the first, and for a custom segment changed
   * since (its count would be of the old rule).
   */
  custom: Array<StoredSegmentDefinition & { members: number | null }>;
  builtIn: Array<{ id: string; name?: string; members: number | null }>;
}

export async function listSegments(deps: SegmentDefinitionDeps, shop: ShopSettings): Promise<SegmentListing> {
  const [definitions, { latest }] = await Promise.all([
    deps.definitions.list(shop.shopId),
    deps.results.getSummaries(shop.shopId),
  ]);
  const membersOf = (id: string) => (latest ? (latest.counts[id] ?? 0) : null);
  const interests = Object.keys(latest?.counts ?? {})
    .filter((id) => id.startsWith('interested') && isBuiltInSegment(id))
    .sort();
  return {
    refreshedAt: latest?.asOf ?? null,
    custom: definitions.map((d) => ({
      ...d,
      members: latest && d.updatedAt <= latest.asOf ? membersOf(d.id) : null,
    })),
    builtIn: [
      ...[...builtInSegmentIds, ...interests].map((id) => ({ id, members: membersOf(id) })),
      ...discoveryDefinitions.map((d) => ({
        id: d.id,
        ...(d.name !== undefined && { name: d.name }),
        members: membersOf(d.id),
      })),
    ],
  };
}
