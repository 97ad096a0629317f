import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { parseBody } from '../../../../../shared/http/responses.js';
import { previewSchema, previewSegment } from '../../../../../shared/use-cases/segments/preview-segment.js';
import {
  createSegment,
  newSegmentSchema,
} from '../../../../../shared/use-cases/segments/segment-definitions.js';
import { customersWorld } from '../../../../support/customers.js';
import { FakeRefreshResultStore } from '../../../../support/fakes/refresh-results.js';
import { FakeSegmentDefinitionStore } from '../../../../support/fakes/segment-definitions.js';
import { FakeSegmentStore } from '../../../../support/fakes/segments.js';
import { paidOrder, placed, viewed } from '../../../../support/shop-events.js';

/** The clock reads 2026-11-02. Spend: ann 100, bo 50 + 70, cy nothing paid, di 300, ed only browses. */
async function shop() {
  const world = customersWorld();
  await world.apply([
    ...paidOrder({ customerId: 'ann' }, 'a1', 100, '2026-10-01T10:00:00Z'),
    ...paidOrder({ customerId: 'bo' }, 'b1', 50, '2026-06-01T10:00:00Z'),
    ...paidOrder({ customerId: 'bo' }, 'b2', 70, '2026-10-20T10:00:00Z'),
    placed({ customerId: 'cy' }, 'c1', 400, '2026-11-01T10:00:00Z'),
    ...paidOrder({ customerId: 'di' }, 'd1', 300, '2026-10-30T10:00:00Z'),
    viewed({ customerId: 'ed' }, 'puer', '2026-10-30T10:00:00Z'),
  ]);
  const definitions = new FakeSegmentDefinitionStore();
  // A page size of one: every customer is its own page, as a large shop's would be.
  const deps = { definitions, segments: new FakeSegmentStore(world.table, 1), clock: world.clock.now };
  const preview = (body: unknown) => previewSegment(deps, world.settings, parseBody(previewSchema, body));
  const save = (body: unknown) =>
    createSegment(
      { definitions, results: new FakeRefreshResultStore(), clock: world.clock.now },
      world.settings,
      parseBody(newSegmentSchema, body),
    );
  return { world, preview, save };
}

describe('previewing a segment', () => {
  it('counts the members among every live customer, with their revenue and a sample', async () => {
    const { preview } = await shop();
    const result = await preview({ rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 100 } });
    expect(result).toMatchObject({
      asOf: '2026-11-02T08:00:00.000Z',
      customers: 5,
      size: 3,
      shareOfCustomers: 0.6,
      revenue: 520,
    });
    expect([...result.sample].sort((a, b) => (a.customerId < b.customerId ? -1 : 1))).toEqual([
      {
        customerId: 'ann',
        paidOrderCount: 1,
        totalSpend: 100,
        daysSinceLastOrder: 31,
        rfmCell: expect.any(String),
        lifecycle: 'at-risk',
        activity: 'warm',
      },
      expect.objectContaining({ customerId: 'bo', paidOrderCount: 2, totalSpend: 120, lifecycle: 'repeat' }),
      expect.objectContaining({ customerId: 'di', totalSpend: 300, lifecycle: 'honeymoon' }),
    ]);
  });

  it('keeps the sample to the size asked for', async () => {
    const { preview } = await shop();
    const result = await preview({ rule: { kind: 'activity', levels: ['warm', 'active'] }, sampleSize: 2 });
    expect(result.size).toBe(5);
    expect(result.sample).toHaveLength(2);
  });

  it('runs with the shop’s saved segments, which a rule may name', async () => {
    const { preview, save } = await shop();
    await save({ id: 'big', name: 'Big', rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 100 } });
    const result = await preview({
      rule: {
        kind: 'all',
        rules: [
          { kind: 'segment', id: 'big' },
          { kind: 'stat', stat: 'paidOrderCount', op: 'gte', value: 2 },
        ],
      },
    });
    expect(result).toMatchObject({ size: 1, revenue: 120, sample: [{ customerId: 'bo' }] });
    const unpaid = await preview({ rule: { kind: 'stat', stat: 'unpaidOrders', op: 'gte', value: 1 } });
    expect(unpaid).toMatchObject({ size: 1, revenue: 0, sample: [{ customerId: 'cy', paidOrderCount: 0 }] });
  });

  it('validates the rule as a save would, by path', async () => {
    const { preview } = await shop();
    const error = await preview({ rule: { kind: 'not', rule: { kind: 'segment', id: 'nowhere' } } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'rule.rule.id', message: 'no segment nowhere' },
    ]);
  });
});
