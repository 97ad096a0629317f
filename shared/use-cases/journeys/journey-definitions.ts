import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { missingCouponRules } from '../../domain/journeys/coupons.js';
import { type JourneyDefinition, parseDefinition } from '../../domain/journeys/definition.js';
import { type PlaybookId, playbook, playbookIds } from '../../domain/journeys/playbooks.js';
import { couponRulesOf, type ShopSettings } from '../../domain/shops/shop.js';
import type { JourneyHead, JourneyStore } from '../../ports/journeys/journey-store.js';

/**
 * Journeys of a shop: the playbook library, enabled by default where the messages are care a buyer
 * expects (transactional), off where they are marketing until the shop turns them on, and the
 * shop's own journeys. Every PUT stores a new version; instances keep the version they started on.
 */
export const enabledByDefault: ReadonlySet<PlaybookId> = new Set([
  'unpaid-order-reminder',
  'order-care',
  'tier-change',
]);

export interface JourneyView {
  journeyId: string;
  enabled: boolean;
  /** `playbook`: from the library (edited or not); `custom`: the shop's own. */
  source: 'playbook' | 'custom';
  /** False while a playbook is as the library ships it. */
  edited: boolean;
  definition: JourneyDefinition;
  updatedAt: string | null;
}

export interface JourneyDefinitionDeps {
  journeys: JourneyStore;
  clock: () => Date;
}

const isPlaybook = (id: string): id is PlaybookId => (playbookIds as string[]).includes(id);

function libraryView(id: PlaybookId): JourneyView {
  return {
    journeyId: id,
    enabled: enabledByDefault.has(id),
    source: 'playbook',
    edited: false,
    definition: playbook(id),
    updatedAt: null,
  };
}

function viewOf(head: JourneyHead): JourneyView {
  return {
    journeyId: head.journeyId,
    enabled: head.enabled,
    source: isPlaybook(head.journeyId) ? 'playbook' : 'custom',
    edited: head.definition.version > 1 || !isPlaybook(head.journeyId),
    definition: head.definition,
    updatedAt: head.updatedAt,
  };
}

/** Every journey of the shop: the library's playbooks (as stored, or as shipped) and the shop's own. */
export async function listJourneys(deps: Pick<JourneyDefinitionDeps, 'journeys'>, shopId: string) {
  const stored = new Map((await deps.journeys.heads(shopId)).map((h) => [h.journeyId, viewOf(h)]));
  const library = playbookIds.map((id) => stored.get(id) ?? libraryView(id));
  const custom = [...stored.values()].filter((v) => v.source === 'custom');
  return [...library, ...custom];
}

export async function getJourney(
  deps: Pick<JourneyDefinitionDeps, 'journeys'>,
  shopId: string,
  journeyId: string,
): Promise<JourneyView> {
  const head = await deps.journeys.head(shopId, journeyId);
  if (head) return viewOf(head);
  if (isPlaybook(journeyId)) return libraryView(journeyId);
  throw new NotFoundError(`journey ${journeyId}`);
}

/** The definition an instance runs on: the stored version, or the library's first for an untouched playbook. */
export async function definitionOf(
  journeys: JourneyStore,
  shopId: string,
  journeyId: string,
  version: number,
): Promise<JourneyDefinition | null> {
  const stored = await journeys.version(shopId, journeyId, version);
  if (stored) return stored;
  return isPlaybook(journeyId) && version === 1 ? playbook(journeyId) : null;
}

/** A body without id and version: those are the URL's and the store's. */
const bodySchema = z.looseObject({});

function definitionFrom(body: unknown, journeyId: string, version: number): JourneyDefinition {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw new ValidationError([{ path: '', message: 'a JSON object' }]);
  const { id, version: sent, ...rest } = parsed.data as { id?: unknown; version?: unknown };
  if (id !== undefined && id !== journeyId)
    throw new ValidationError([{ path: 'id', message: `must be ${journeyId} (the journey in the URL)` }]);
  void sent;
  return parseDefinition({ ...rest, id: journeyId, version });
}

/** A journey is saved or turned on only if the shop has every coupon rule it names. */
function checkCouponRules(shop: ShopSettings, definition: JourneyDefinition): JourneyDefinition {
  const issues = missingCouponRules(definition.steps, couponRulesOf(shop));
  if (issues.length > 0) throw new ValidationError(issues);
  return definition;
}

/** The version stored under the head now, or null for a playbook never stored. */
const storedVersion = (view: JourneyView): number | null =>
  view.updatedAt === null ? null : view.definition.version;

async function writeHead(
  deps: JourneyDefinitionDeps,
  shopId: string,
  previousVersion: number | null,
  enabled: boolean,
  definition: JourneyDefinition,
): Promise<JourneyView> {
  const head: JourneyHead = {
    journeyId: definition.id,
    enabled,
    definition,
    updatedAt: deps.clock().toISOString(),
  };
  if (!(await deps.journeys.putHead(shopId, head, previousVersion)))
    throw new ConflictError(`journey ${definition.id} was changed meanwhile; read it again`);
  return viewOf(head);
}

/** POST: a shop's own journey, version 1, disabled until enabled. */
export async function createJourney(
  deps: JourneyDefinitionDeps,
  shop: ShopSettings,
  body: unknown,
): Promise<JourneyView> {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') throw new ValidationError([{ path: 'id', message: 'a journey id' }]);
  if (isPlaybook(id) || (await deps.journeys.head(shop.shopId, id)))
    throw new ConflictError(`journey ${id} exists; PUT /v1/journeys/${id} changes it`);
  return writeHead(deps, shop.shopId, null, false, checkCouponRules(shop, definitionFrom(body, id, 1)));
}

/** PUT: the next version; running instances keep theirs, new ones start on it. */
export async function updateJourney(
  deps: JourneyDefinitionDeps,
  shop: ShopSettings,
  journeyId: string,
  body: unknown,
): Promise<JourneyView> {
  const current = await getJourney(deps, shop.shopId, journeyId);
  const definition = checkCouponRules(shop, definitionFrom(body, journeyId, current.definition.version + 1));
  let previous = storedVersion(current);
  if (previous === null) {
    // The library's version 1 is stored first, so instances running on it read it after the edit.
    await writeHead(deps, shop.shopId, null, current.enabled, current.definition);
    previous = current.definition.version;
  }
  return writeHead(deps, shop.shopId, previous, current.enabled, definition);
}

export async function setJourneyEnabled(
  deps: JourneyDefinitionDeps,
  shop: ShopSettings,
  journeyId: string,
  enabled: boolean,
): Promise<JourneyView> {
  const current = await getJourney(deps, shop.shopId, journeyId);
  if (current.enabled === enabled) return current;
  if (enabled) checkCouponRules(shop, current.definition);
  return writeHead(deps, shop.shopId, storedVersion(current), enabled, current.definition);
}
