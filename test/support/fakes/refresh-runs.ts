import type {
  RefreshPhase,
  RefreshQueue,
  RefreshRun,
  RefreshRunStore,
  RefreshTask,
} from '../../../shared/ports/segments/refresh-runs.js';
import { copy, Faults } from './faults.js';

interface RunState {
  run: RefreshRun;
  pending: Record<RefreshPhase, number>;
  done: Record<RefreshPhase, Set<number>>;
  results: Record<RefreshPhase, Map<number, string>>;
}

/**
 * The run store of DynamoRefreshRunStore: a run created once, a shard counted once per phase with
 * the result of the attempt that counted it, and the countdown answered while the run is in
 * that phase; a phase left once.
 */
export class FakeRefreshRunStore implements RefreshRunStore {
  readonly faults = new Faults<'completeShard' | 'advance'>();
  private readonly runs = new Map<string, RunState>();

  private state(shopId: string, runId: string): RunState | undefined {
    return this.runs.get(`${shopId}/${runId}`);
  }

  async start(run: RefreshRun): Promise<boolean> {
    if (this.state(run.shopId, run.runId)) return false;
    this.runs.set(`${run.shopId}/${run.runId}`, {
      run: copy(run),
      pending: { sketch: run.shards, apply: run.shards },
      done: { sketch: new Set(), apply: new Set() },
      results: { sketch: new Map(), apply: new Map() },
    });
    return true;
  }

  async get(shopId: string, runId: string): Promise<RefreshRun | null> {
    const s = this.state(shopId, runId);
    return s ? copy(s.run) : null;
  }

  async completeShard(task: RefreshTask, result: string): Promise<number | null> {
    this.faults.check('completeShard');
    const s = this.state(task.shopId, task.runId);
    if (!s) return null;
    if (s.run.phase !== task.phase) return null;
    // The attempt that counted the shard keeps its result; a later one's is never read.
    if (!s.done[task.phase].has(task.shard)) {
      s.done[task.phase].add(task.shard);
      s.results[task.phase].set(task.shard, result);
      s.pending[task.phase] -= 1;
    }
    return s.pending[task.phase];
  }

  async results(shopId: string, runId: string, phase: RefreshPhase): Promise<string[]> {
    const s = this.state(shopId, runId);
    return s ? [...s.results[phase]].sort(([a], [b]) => a - b).map(([, r]) => r) : [];
  }

  async advance(
    shopId: string,
    runId: string,
    from: RefreshPhase,
    to: RefreshPhase | 'done',
    fields: Partial<RefreshRun>,
  ): Promise<boolean> {
    this.faults.check('advance');
    const s = this.state(shopId, runId);
    if (!s || s.run.phase !== from) return false;
    s.run = { ...s.run, ...copy(fields), phase: to };
    return true;
  }
}

/** The refresh queue as SQS keeps it: tasks wait until a worker takes them; a failed one comes back. */
export class FakeRefreshQueue implements RefreshQueue {
  readonly waiting: RefreshTask[] = [];
  /** Every task ever queued, duplicates included. */
  readonly queued: RefreshTask[] = [];

  async enqueue(tasks: RefreshTask[]): Promise<void> {
    this.waiting.push(...copy(tasks));
    this.queued.push(...copy(tasks));
  }

  /**
   * Runs the queue dry with `workers` workers, each taking the task `pick` chooses (the next by
   * default); a task whose run throws is put back, as SQS makes it visible again.
   */
  async drain(
    workers: number,
    run: (task: RefreshTask) => Promise<unknown>,
    pick: (waiting: number) => number = () => 0,
  ): Promise<{ runs: number; failures: number }> {
    let runs = 0;
    let failures = 0;
    const worker = async () => {
      while (this.waiting.length > 0) {
        const [task] = this.waiting.splice(pick(this.waiting.length), 1) as [RefreshTask];
        runs++;
        try {
          await run(task);
        } catch {
          failures++;
          this.waiting.push(task);
        }
      }
    };
    // A worker that finds the queue empty may find it filled by another's last task: go round again.
    while (this.waiting.length > 0) await Promise.all(Array.from({ length: workers }, worker));
    return { runs, failures };
  }
}
