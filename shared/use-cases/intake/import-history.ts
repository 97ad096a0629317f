import type { CustomerChange } from '../../domain/customers/change.js';
import type { StoredEvent } from '../../domain/customers/events.js';
import { identitiesOf } from '../../domain/customers/identity.js';
import { normalizeBatch } from '../../domain/customers/normalize.js';
import { eventExpiry, type Traits } from '../../domain/customers/profile.js';
import type { CustomerTraits } from '../../domain/customers/traits.js';
import { type FieldIssue, ValidationError } from '../../domain/errors.js';
import { rowOf } from '../../domain/intake/history-rows.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { EventStore } from '../../ports/customers/event-store.js';
import type { ImportReport } from '../../ports/intake/uploads.js';
import { changesOf } from '../customers/apply-events.js';
import { type ChangeDeps, changeCustomers } from '../customers/change-customers.js';

export interface ImportDeps {
  events: EventStore;
  customers: ChangeDeps;
}

export interface ImportOptions {
  now: Date;
  /** Resumes a paused import: every row was validated, and the rows before this one written. */
  resumeAt?: number;
  /** Asked after each chunk; true pauses the import, so a caller with a deadline can resume it later. */
  shouldPause?: () => boolean;
  onProgress?: (report: ImportReport) => void;
  /** Rows folded together; the larger, the fewer writes per customer (and the more memory). */
  chunkRows?: number;
}

const maxIssuesReported = 100;
/** About 50 MB of rows in memory: a customer's rows in one chunk cost one write of its profile. */
export const defaultChunkRows = 50_000;

/**
 * Primary course: read the rows twice. The first pass validates every row and writes nothing if any
 * is wrong (naming up to 100 problems by row). The second folds the rows chunk by chunk: each
 * customer's rows in a chunk become one change, committed with one write of its profile, and only
 * then are the chunk's events stored, in batches, marked as applied so the stream leaves them be.
 * Events stored before (a repeated import) are skipped; a crash between the profiles and the events
 * is covered by the profiles' own record of applied events, so a resumed import counts nothing twice.
 */
export async function importHistory(
  deps: ImportDeps,
  settings: ShopSettings,
  rows: () => AsyncIterable<unknown>,
  options: ImportOptions,
): Promise<ImportReport> {
  const { now } = options;
  if (options.resumeAt === undefined) await validateAll(settings, rows, now);

  const report: ImportReport = { rows: 0, accepted: 0, duplicates: 0, customers: 0 };
  let pendingEvents: unknown[] = [];
  let pendingCustomers = new Map<string, CustomerTraits>();
  let pendingRows = 0;
  const flush = async () => {
    // A row repeated in the file is a duplicate like any event sent twice, not an error.
    const unique = new Map(pendingEvents.map((e) => [(e as { id: string }).id, e]));
    const events = normalizeBatch([...unique.values()], settings, now, (i) => ['event', i]);
    const stored = await deps.events.stored(await mayBeStored(deps.customers, settings.shopId, events));
    const fresh = events.filter((e) => !stored.has(e.id));
    await applyChunk(deps.customers, settings, pendingCustomers, fresh);
    // Raw browsing already past the shop's retention is counted in the stats but not kept.
    const expired = (e: StoredEvent) =>
      (eventExpiry(e, settings) ?? Number.POSITIVE_INFINITY) * 1000 <= now.getTime();
    await deps.events.appendApplied(fresh.filter((e) => !expired(e)));
    report.accepted += fresh.length;
    report.duplicates += pendingEvents.length - fresh.length;
    report.customers += pendingCustomers.size;
    report.rows += pendingRows;
    pendingEvents = [];
    pendingCustomers = new Map();
    pendingRows = 0;
    options.onProgress?.(report);
  };
  let index = 0;
  const resumeAt = options.resumeAt ?? 0;
  const chunkRows = options.chunkRows ?? defaultChunkRows;
  for await (const raw of rows()) {
    if (index < resumeAt) {
      index += 1;
      report.rows += 1;
      continue;
    }
    const row = rowOf(raw, index, settings);
    if (row.kind === 'events') pendingEvents.push(...row.events);
    else pendingCustomers.set(row.customerId, { ...pendingCustomers.get(row.customerId), ...row.traits });
    pendingRows += 1;
    index += 1;
    if (pendingRows >= chunkRows) {
      await flush();
      if (options.shouldPause?.()) return { ...report, resumeAt: index };
    }
  }
  if (pendingRows > 0) await flush();
  return report;
}

/**
 * The events that a previous import may have stored: those of customers who exist already, and those
 * naming someone by phone or email alone. A new shop's history skips the look-up for almost all.
 */
async function mayBeStored(deps: ChangeDeps, shopId: string, events: StoredEvent[]): Promise<StoredEvent[]> {
  const named = [...new Set(events.flatMap((e) => (e.customerId ? [e.customerId] : [])))];
  const existing = named.length > 0 ? await deps.profiles.getProfiles(shopId, named) : new Map();
  return events.filter((e) => !e.customerId || existing.has(e.customerId));
}

/**
 * One change per customer for the chunk. Customer rows and the events naming a customer id go
 * first; events naming someone by phone or email alone go after, so they find the customer the
 * rows linked that phone or email to.
 */
async function applyChunk(
  deps: ChangeDeps,
  settings: ShopSettings,
  customers: Map<string, CustomerTraits>,
  events: StoredEvent[],
): Promise<void> {
  const traitChanges: CustomerChange[] = [...customers].map(([customerId, traits]) => {
    // The traits a row carries, merged over what the customer has (an import adds, it does not erase).
    const present = Object.fromEntries(Object.entries(traits).filter(([, v]) => v !== undefined));
    return {
      customerId,
      identities: identitiesOf({ phone: traits.phone, email: traits.email }),
      events: [],
      patchTraits: (current: Traits) => ({ ...current, ...present }),
      emit: false,
    };
  });
  // History sets each tier as it stands: no tier_changed for journeys to greet old customers with.
  const historical = (changes: CustomerChange[]) => changes.map((c) => ({ ...c, emit: false }));
  const first = [...traitChanges, ...historical(changesOf(events.filter((e) => e.customerId)))];
  const later = historical(changesOf(events.filter((e) => !e.customerId)));
  for (const changes of [first, later]) {
    if (changes.length === 0) continue;
    const failed = (await changeCustomers(deps, settings, changes)).find((o) => !o.ok);
    // Nothing of this chunk's events is stored yet: the import (or its retry) can run the chunk again.
    if (failed && !failed.ok) throw failed.error;
  }
}

async function validateAll(
  settings: ShopSettings,
  rows: () => AsyncIterable<unknown>,
  now: Date,
): Promise<void> {
  const issues: FieldIssue[] = [];
  let index = 0;
  for await (const raw of rows()) {
    try {
      const row = rowOf(raw, index, settings);
      if (row.kind === 'events') normalizeBatch(row.events, settings, now, () => ['row', index]);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues.map((i) => ({ ...i, index })));
      if (issues.length >= maxIssuesReported) break;
    }
    index += 1;
  }
  if (issues.length > 0) throw new ValidationError(issues.slice(0, maxIssuesReported));
}
