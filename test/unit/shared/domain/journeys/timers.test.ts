import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../../../shared/domain/journeys/definition.js';
import { advance, start } from '../../../../../shared/domain/journeys/interpreter.js';
import { playbooks } from '../../../../../shared/domain/journeys/playbooks.js';
import { customer } from './harness.js';

const welcome = parseDefinition(playbooks['welcome-series']);
const signedUp = {
  id: 's1',
  type: 'signed_up',
  occurredAt: '2026-11-02T08:00:30.000Z',
  properties: {},
};

describe('timers', () => {
  it('count a wait from when the timer that resumed the instance was due, not from a late tick', () => {
    const started = start(welcome, signedUp, customer(), new Date('2026-11-02T08:00:30.000Z'));
    const firstWake = started?.instance.wait?.until as string;
    expect(firstWake).toBe('2026-11-03T08:00:30.000Z');
    // The tick that runs it comes 4 minutes late (a busy shard, a tick that failed and caught up).
    const late = advance(
      started?.instance as NonNullable<typeof started>['instance'],
      welcome,
      { timerFired: firstWake },
      customer(),
      new Date('2026-11-03T08:04:30.000Z'),
    );
    // Day 5 is three days after day 2 was due, as the definition says, not three days after the tick.
    expect(late.instance.wait?.until).toBe('2026-11-06T08:00:30.000Z');
    expect(late.actions.filter((a) => a.type === 'send').map((a) => a.dueAt)).toEqual([
      '2026-11-03T08:04:30.000Z',
    ]);
  });
});
