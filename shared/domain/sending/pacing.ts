/**
 * The sender's pacing arithmetic. The send queue is drained by a few sender invocations at once,
 * each sending its batch one message at a time with a fixed gap, so together they stay under the
 * account's rate (SES `MaxSendRate`, a configured SMS rate) with some headroom for retries and
 * transactional mail, and throttling is the exception that back-off handles.
 */

export interface PacingInput {
  /** Messages per second the provider allows (SES v2 GetAccount SendQuota.MaxSendRate, or the SMS rate). */
  maxRate: number;
  /** The share of that rate to aim at. */
  headroom?: number;
  /** Messages in one queue batch handed to one invocation. */
  batchSize?: number;
  /** How long one provider call takes, which bounds one invocation's own rate. */
  callLatencyMs?: number;
}

export interface Pacing {
  /** Messages per second all invocations together aim at. */
  targetRate: number;
  /** Invocations at once: the event source's maximum concurrency (SQS allows no fewer than 2). */
  concurrency: number;
  /** The gap between two sends within one invocation. */
  intervalMs: number;
  /** The least time a full batch takes: the queue's visibility timeout must be longer. */
  batchMs: number;
}

export const pacingDefaults = { headroom: 0.9, batchSize: 10, callLatencyMs: 80 } as const;
const minimumConcurrency = 2;

export function pacingFor(input: PacingInput): Pacing {
  const { maxRate } = input;
  const headroom = input.headroom ?? pacingDefaults.headroom;
  const batchSize = input.batchSize ?? pacingDefaults.batchSize;
  const latency = input.callLatencyMs ?? pacingDefaults.callLatencyMs;
  if (!(maxRate > 0) || !(headroom > 0 && headroom <= 1) || !(batchSize >= 1) || !(latency > 0))
    throw new RangeError('Pacing needs a positive rate, a headroom in (0, 1], a batch and a latency');
  const targetRate = maxRate * headroom;
  // Enough invocations that none has to send faster than one call at a time allows.
  const concurrency = Math.max(minimumConcurrency, Math.ceil((targetRate * latency) / 1000));
  const intervalMs = (1000 * concurrency) / targetRate;
  return { targetRate, concurrency, intervalMs, batchMs: intervalMs * batchSize };
}

export interface DrainInput {
  recipients: number;
  /** Messages per second actually sent (a Pacing's targetRate). */
  ratePerSecond: number;
  /** SES's Max24HourSend, when the daily quota rather than the rate is what binds. */
  max24HourSend?: number;
}

const daySeconds = 86_400;

/**
 * Seconds to send a campaign to N recipients: at the rate, or, when the daily quota binds, whole
 * days of quota and the remainder at the rate (SES counts the quota over a rolling 24 hours; whole
 * days are the cautious reading).
 */
export function drainSeconds({ recipients, ratePerSecond, max24HourSend }: DrainInput): number {
  if (!(ratePerSecond > 0) || recipients < 0) throw new RangeError('Draining needs a positive rate');
  const perDay = Math.min(max24HourSend ?? Number.POSITIVE_INFINITY, ratePerSecond * daySeconds);
  if (recipients <= perDay) return recipients / ratePerSecond;
  const fullDays = Math.ceil(recipients / perDay) - 1;
  return fullDays * daySeconds + (recipients - fullDays * perDay) / ratePerSecond;
}

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
}

export const backoffDefaults = { baseMs: 500, capMs: 60_000 } as const;

/**
 * The wait before retry `attempt` (0 for the first retry) after a throttle: "full jitter", a
 * uniform draw below an exponentially growing ceiling, so throttled senders spread out instead of
 * retrying together. `random` is injected: Math.random in the sender, a seeded one under test.
 */
export function backoffMs(attempt: number, random: () => number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? backoffDefaults.baseMs;
  const cap = options.capMs ?? backoffDefaults.capMs;
  const ceiling = Math.min(cap, base * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** The waits for the first `attempts` retries. */
export function backoffSchedule(
  attempts: number,
  random: () => number,
  options: BackoffOptions = {},
): number[] {
  return Array.from({ length: attempts }, (_, attempt) => backoffMs(attempt, random, options));
}
