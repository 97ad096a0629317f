import { describe, expect, it } from 'vitest';
import { isBuiltInSegment } from '../../../../../shared/domain/segments/engine.js';
import { liveSegmentsOf } from '../../../../../shared/domain/segments/live.js';
import {
  createJourney,
  setJourneyEnabled,
} from '../../../../../shared/use-cases/journeys/journey-definitions.js';
import { segmentEventsWanted } from '../../../../../shared/use-cases/journeys/segment-triggers.js';
import { journeysWorld } from '../../../../support/journeys-world.js';
import { paidOrder, refunded } from '../../../../support/shop-events.js';

/**
 * A live custom segment telling journeys who entered and left it, as events arrive: the stream's
 * commit that moves the customer emits `segment_entered` in the profile's outbox, the stream brings
 * it back to journeys, and a journey triggered on entering the segment sends once.
 *
 * The world starts on 2026-11-02 08:00 UTC. "Big spender" is 500 or more spent in total.
 */
const bigSpender = { id: 'big-spender', rule: { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 500 } };
const mei = { customerId: 'mei' };

async function liveWorld(on: 'entered' | 'left' = 'entered') {
  const w = journeysWorld();
  const live = liveSegmentsOf([bigSpender], isBuiltInSegment);
  // The stream handler's wiring: live segments kept, their moves emitted when a journey listens.
  Object.assign(w.customerDeps, {
    liveSegments: async () => live,
    segmentEventsWanted: async (shopId: string) => segmentEventsWanted(await w.deps.enabled(shopId)),
  });
  const journeyDeps = { journeys: w.journeys, clock: w.clock.now };
  await createJourney(journeyDeps, w.settings, {
    id: `big-spender-${on}`,
    name: `Big spender ${on}`,
    trigger: { type: 'segment', segments: ['big-spender'], on },
    steps: [
      {
        id: 'note',
        type: 'send',
        channel: 'email',
        template: `big-spender-${on}`,
        purpose: 'transactional',
      },
    ],
    reentry: { mode: 'always' },
  });
  await setJourneyEnabled(journeyDeps, w.settings, `big-spender-${on}`, true);
  await w.person('mei');
  return w;
}

describe('live segment moves into journeys, from the stream', () => {
  it('sends once when the customer’s spend crosses the line, however often the events come again', async () => {
    const w = await liveWorld();
    const steps: Array<[string, Array<Record<string, unknown>>, string[]]> = [
      ['300 spent: not yet', paidOrder(mei, 'o1', 300, '2026-11-02T07:00:00Z'), []],
      [
        '550 spent: entered',
        paidOrder(mei, 'o2', 250, '2026-11-02T07:30:00Z'),
        ['2026-11-02T08:00 big-spender-entered'],
      ],
      ['the same order again', paidOrder(mei, 'o2', 250, '2026-11-02T07:30:00Z'), []],
      ['630 spent: still in', paidOrder(mei, 'o3', 80, '2026-11-02T07:40:00Z'), []],
    ];
    for (const [step, events, sends] of steps) {
      await w.post(events);
      expect([step, w.takeLines()]).toEqual([step, sends]);
    }
    const instances = (await w.instances.ofCustomer('tea', 'mei'))
      .map((r) => r.instance)
      .filter((i) => i.journeyId === 'big-spender-entered');
    expect(instances).toHaveLength(1);
    const [instance] = instances;
    expect(instance?.trigger).toMatchObject({
      id: 'segment_entered:mei:3:big-spender',
      type: 'segment_entered',
      occurredAt: '2026-11-02T07:31:00.000Z',
      properties: { segment: 'big-spender' },
    });
  });

  it('sends on leaving for a journey triggered on segment_left, and not on entering', async () => {
    const w = await liveWorld('left');
    await w.post([
      ...paidOrder(mei, 'o1', 300, '2026-11-02T07:00:00Z'),
      ...paidOrder(mei, 'o2', 250, '2026-11-02T07:30:00Z'),
    ]);
    expect(w.takeLines()).toEqual([]);
    w.clock.set('2026-11-03T08:00:00.000Z');
    await w.post([refunded(mei, 'o2', 100, '2026-11-03T07:00:00Z')]);
    expect(w.takeLines()).toEqual(['2026-11-03T08:00 big-spender-left']);
  });
});
