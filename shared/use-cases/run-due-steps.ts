import { minuteKey } from '../domain/schedule.js';
import type { DueStepStore, SendQueue } from '../ports/messaging.js';

/**
 * Primary course: find the steps due this minute (and the one before, in case a tick came late),
 * queue their messages, then remove them. Queue first, remove second: a crash in between queues
 * a message twice, which the send ledger turns into one send; the other order could lose it.
 */
export async function runDueSteps(store: DueStepStore, queue: SendQueue, now: Date): Promise<number> {
  const minutes = [minuteKey(new Date(now.getTime() - 60_000)), minuteKey(now)];
  const due = (await Promise.all(minutes.map((m) => store.dueIn(m)))).flat();
  if (due.length === 0) return 0;
  await queue.enqueue(due.map((s) => s.message));
  await Promise.all(due.map((s) => store.remove(s)));
  return due.length;
}
