import { describe, expect, it } from 'vitest';
import { runDueSteps } from '../../../../../shared/use-cases/journeys/run-due-steps.js';
import { sendMessage } from '../../../../../shared/use-cases/sending/send-message.js';
import { FakeClock } from '../../../../support/fakes/clock.js';
import {
  FakeChannel,
  FakeDueStepStore,
  FakeSendLedger,
  FakeSendQueue,
} from '../../../../support/fakes/sending.js';
import { email } from '../../../../support/messages.js';

const nine = new Date('2026-11-02T09:00:00Z');

async function scheduled() {
  const steps = new FakeDueStepStore();
  for (const [stepId, dueAt] of [
    ['s1', '2026-11-02T09:00:05Z'],
    ['s2', '2026-11-02T09:00:55Z'],
    ['s3', '2026-11-02T09:01:00Z'],
  ] as const)
    await steps.schedule({ shopId: 'tea', stepId, dueAt, message: email(stepId) });
  return { steps, queue: new FakeSendQueue() };
}

describe('running due steps', () => {
  it('queues the messages due in the scheduled minute, then removes those steps', async () => {
    const { steps, queue } = await scheduled();
    expect(await runDueSteps(steps, queue, nine)).toBe(2);
    expect(queue.peek().map((m) => m.sendId)).toEqual(['s1', 's2']);
    expect(steps.pending().map((s) => s.stepId)).toEqual(['s3']);
    expect(await runDueSteps(steps, queue, new Date('2026-11-02T08:59:00Z'))).toBe(0);
  });

  it('keeps a step whose message could not be queued, so the retried tick queues it', async () => {
    const { steps, queue } = await scheduled();
    queue.faults.failNext('enqueue');
    await expect(runDueSteps(steps, queue, nine)).rejects.toThrow('injected failure');
    expect(steps.pending()).toHaveLength(3);
    expect(await runDueSteps(steps, queue, nine)).toBe(2);
  });

  it('after a crash between queueing and removing, queues a message twice but sends it once', async () => {
    const { steps, queue } = await scheduled();
    steps.faults.failNext('remove');
    await expect(runDueSteps(steps, queue, nine)).rejects.toThrow('injected failure');
    await runDueSteps(steps, queue, nine);
    expect(queue.peek().map((m) => m.sendId)).toEqual(['s1', 's2', 's1']);

    const channel = new FakeChannel();
    const deps = {
      ledger: new FakeSendLedger(),
      channels: { email: channel, sms: channel },
      clock: new FakeClock().now,
    };
    const outcomes = [];
    for (const message of queue.take()) outcomes.push((await sendMessage(deps, message)).status);
    expect(outcomes).toEqual(['sent', 'sent', 'duplicate']);
    expect(channel.delivered.map((m) => m.sendId)).toEqual(['s1', 's2']);
  });
});
