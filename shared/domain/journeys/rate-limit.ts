import { createHash } from 'node:crypto';

/**
 * A journey's `rateLimit.messagesPerSecond`, kept where the runtime queues sends: each clock minute
 * the journey may queue 60 × the rate, counted send by send in a few counters (a customer always
 * counts on the same one), so no single item takes more writes than DynamoDB gives one item.
 * A send that finds its counter's minute spent waits for the minute its place in line falls in:
 * the n-th claim of a minute with a budget of B goes in minute floor((n - 1) / B) from it. Within a
 * minute the sender spreads what was queued at the account's own pace; the limit is therefore per
 * minute, not per second, which is what a shop's landing pages and support desk feel.
 */

/** Writes a second one counter item may take, with room to spare below DynamoDB's 1,000 per item. */
const writesPerCounterPerSecond = 500;

export interface RateBudget {
  /** Counters the minute's budget is split over. */
  counters: number;
  /** Sends each counter lets through in one minute. */
  perCounterPerMinute: number;
}

export function rateBudget(messagesPerSecond: number): RateBudget {
  if (!(messagesPerSecond > 0)) throw new RangeError('a rate limit must be positive');
  const counters = Math.ceil(messagesPerSecond / writesPerCounterPerSecond);
  return { counters, perCounterPerMinute: Math.max(1, Math.floor((messagesPerSecond * 60) / counters)) };
}

/**
 * The minute (its start) a send may go in, given it is the `claimed`-th claim on its counter in
 * the minute starting at `minuteStart`: that minute itself while the budget lasts, a later one after.
 */
export function rateSlot(claimed: number, budget: RateBudget, minuteStart: Date): Date {
  const minutesOn = Math.floor((claimed - 1) / budget.perCounterPerMinute);
  return new Date(minuteStart.getTime() + minutesOn * 60_000);
}

/** The counter a customer's sends count on: always the same one, spread evenly over customers. */
export function counterOf(customerId: string, budget: RateBudget): number {
  return createHash('sha1').update(customerId).digest().readUInt16BE(0) % budget.counters;
}
