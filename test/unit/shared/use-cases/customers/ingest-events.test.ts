import { describe, expect, it } from 'vitest';
import { storedLinesPerOrder } from '../../../../../shared/domain/customers/events.js';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { customersWorld } from '../../../../support/customers.js';
import { paidOrder, placed, viewed } from '../../../../support/shop-events.js';

const alice = { customerId: 'alice' };

async function issuesOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

describe('ingesting events', () => {
  it('rejects the whole batch, naming each problem by its field path, and stores nothing', async () => {
    const world = customersWorld();
    const noTotal = placed(alice, 'o2', 10, '2026-10-01T10:00:00Z');
    const { total: _total, ...properties } = noTotal.properties;
    const issues = await issuesOf(
      world.ingest([
        viewed(alice, 'tea-1', '2026-10-01T09:00:00Z'),
        { ...noTotal, properties },
        { ...viewed({ phone: '12' }, 'tea-2', '2026-10-01T09:00:00Z') },
      ]),
    );
    expect(issues).toEqual([
      expect.objectContaining({ index: 1, path: 'events.1.properties.total' }),
      expect.objectContaining({ index: 2, path: 'events.2.phone' }),
    ]);
    expect(world.table.size()).toBe(0);
  });

  it('names an empty batch and a repeated id within a batch', async () => {
    const world = customersWorld();
    expect(await issuesOf(world.ingest([]))).toEqual([expect.objectContaining({ path: 'events' })]);
    const view = viewed(alice, 'tea-1', '2026-10-01T09:00:00Z');
    expect(await issuesOf(world.ingest([view, view]))).toEqual([
      { index: 1, path: 'events.1.id', message: 'duplicates the id of event 0' },
    ]);
  });

  it('counts events sent before as duplicates, storing each once', async () => {
    const world = customersWorld();
    const first = paidOrder(alice, 'o1', 120, '2026-10-01T10:00:00Z');
    expect(await world.ingest(first)).toEqual({ accepted: 2, duplicates: 0 });
    const again = [...first, viewed(alice, 'tea-1', '2026-10-02T09:00:00Z')];
    expect(await world.ingest(again)).toEqual({ accepted: 1, duplicates: 2 });
    expect(world.events.all('tea')).toHaveLength(3);
  });

  it('stores a long order as its largest lines and the line count, its total untouched', async () => {
    const world = customersWorld();
    await world.ingest([placed(alice, 'wholesale', 4_000, '2026-10-01T10:00:00Z', { lines: 40 })]);
    const properties = world.events.all('tea')[0]?.event.properties as { items: unknown[] } | undefined;
    expect(properties).toMatchObject({ total: 4_000, lineCount: 40 });
    expect(properties?.items).toHaveLength(storedLinesPerOrder);
  });

  it('refuses events from the future beyond the allowed clock skew, and from before 2000', async () => {
    const world = customersWorld();
    const inMinutes = (m: number) => new Date(world.clock.now().getTime() + m * 60_000).toISOString();
    expect(await issuesOf(world.ingest([viewed(alice, 'tea-1', inMinutes(10))]))).toEqual([
      { index: 0, path: 'events.0.occurredAt', message: 'lies in the future' },
    ]);
    expect(await issuesOf(world.ingest([viewed(alice, 'tea-1', '1999-12-31T23:59:59Z')]))).toEqual([
      { index: 0, path: 'events.0.occurredAt', message: 'is before 2000-01-01' },
    ]);
    expect(await world.ingest([viewed(alice, 'tea-1', inMinutes(4))])).toEqual({
      accepted: 1,
      duplicates: 0,
    });
  });

  it('stores times in UTC and phones in E.164, filing phone-only events under the phone', async () => {
    const world = customersWorld();
    await world.ingest([viewed({ phone: '136 0000 0001' }, 'tea-1', '2026-10-01T17:00:00+08:00')]);
    const [stored] = world.events.all('tea');
    expect(stored?.event).toMatchObject({ phone: '+8613600000001', occurredAt: '2026-10-01T09:00:00.000Z' });
  });
});
