import { minuteKey } from '../../domain/shops/schedule.js';
import type { DueStepStore, SendQueue } from '../../ports/sending/messaging.js';

/**
 * Primary course: find the steps due in the scheduled minute, queue their messages, then remove
 * them. The minute is the schedule's own time, not the clock's, so a late or retried tick reads
 * the minute it stands for. Queue first, remove second: a crash in between queues a message twice,
 * which the send ledger turns into one send; the other order could lose it.
 */
export async function runDueSteps(store: DueStepStore, queue: SendQueue, scheduledAt: Date): Promise<number> {
  const due = await store.dueIn(minuteKey(scheduledAt));
  if (due.length === 0) return 0;
  await queue.enqueue(due.map((s) => s.message));
  await Promise.all(due.map((s) => store.remove(s)));
  return due.length;
}
