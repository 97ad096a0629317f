/**
 * The nightly refresh of one shop fans out: a task per shard and phase goes on a queue, workers run
 * them in any order, any number of times. These ports carry the run's state and what the shards hand
 * over between the phases.
 */

export type RefreshPhase = 'sketch' | 'apply';

export interface RefreshTask {
  shopId: string;
  runId: string;
  phase: RefreshPhase;
  shard: number;
}

export interface RefreshRun {
  shopId: string;
  runId: string;
  /** The instant the refresh computes as of (now, or a date given for a demo or backtest). */
  asOf: string;
  shards: number;
  phase: RefreshPhase | 'done';
  startedAt: string;
  finishedAt?: string;
  /** Set when the sketch phase is over: what every apply task needs (cuts, model), as JSON. */
  plan?: string;
}

export interface RefreshRunStore {
  /** Creates the run unless it exists (a repeated tick or a redelivered start is a no-op): true if created. */
  start(run: RefreshRun): Promise<boolean>;
  get(shopId: string, runId: string): Promise<RefreshRun | null>;
  /**
   * Stores a shard's result for a phase and counts the shard done, once however often it is called.
   * Answers how many shards of the phase are still to finish (also when this shard was counted
   * before, so a redelivered last task can finish the phase), or null if the run has left the phase.
   */
  completeShard(task: RefreshTask, result: string): Promise<number | null>;
  /** Every shard's result of a phase, by shard. */
  results(shopId: string, runId: string, phase: RefreshPhase): Promise<string[]>;
  /** Moves the run on from `from` (only once: false if it had moved already). */
  advance(
    shopId: string,
    runId: string,
    from: RefreshPhase,
    to: RefreshPhase | 'done',
    fields: Partial<RefreshRun>,
  ): Promise<boolean>;
}

export interface RefreshQueue {
  enqueue(tasks: RefreshTask[]): Promise<void>;
}
