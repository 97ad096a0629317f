import { now, setClockTo } from '../../shared/clock.js';

export interface LocalSchedule {
  name: string;
  everyMinutes: number;
  /** Runs the scheduled handler; true when it did work whose consequences should settle before the next firing. */
  fire: (at: Date, detail?: Record<string, unknown>) => Promise<boolean>;
}

const minuteMs = 60_000;

function nextBoundary(after: number, everyMinutes: number): number {
  const step = everyMinutes * minuteMs;
  return Math.floor(after / step) * step + step;
}

/**
 * The schedules on a local clock: fires each on its boundaries as (shifted) time passes, and on
 * `advance` steps through every boundary in between, in order, with the clock set to each, so
 * handlers see the time they would have seen on AWS.
 */
export class LocalScheduler {
  private lastTick = now().getTime();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly schedules: LocalSchedule[],
    private readonly settle: () => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.exclusive(() => this.catchUp(now().getTime())), 1000);
    this.timer.unref();
  }

  stop(): Promise<unknown> {
    if (this.timer) clearInterval(this.timer);
    return this.chain;
  }

  /** Fires one schedule now, whatever the clock says. */
  fire(name: string, detail?: Record<string, unknown>): Promise<unknown> {
    const schedule = this.schedules.find((s) => s.name === name);
    if (!schedule)
      throw new Error(`unknown schedule ${name}; known: ${this.schedules.map((s) => s.name).join(', ')}`);
    return this.exclusive(async () => {
      await schedule.fire(now(), detail);
      await this.settle();
    });
  }

  /** Moves the clock forward, firing everything that falls due on the way. Returns the firings. */
  advance(ms: number): Promise<number> {
    return this.exclusive(async () => {
      const target = now().getTime() + ms;
      const fired = await this.catchUp(target);
      setClockTo(new Date(target));
      await this.settle();
      return fired;
    });
  }

  private async catchUp(target: number): Promise<number> {
    let fired = 0;
    for (;;) {
      const next = Math.min(...this.schedules.map((s) => nextBoundary(this.lastTick, s.everyMinutes)));
      if (next > target) break;
      setClockTo(new Date(next));
      let worked = false;
      for (const s of this.schedules.filter((s) => nextBoundary(this.lastTick, s.everyMinutes) === next)) {
        try {
          worked = (await s.fire(new Date(next))) || worked;
          fired += 1;
        } catch (error) {
          this.log(`${s.name} failed at ${new Date(next).toISOString()}: ${(error as Error).message}`);
        }
      }
      this.lastTick = next;
      if (worked) await this.settle();
    }
    return fired;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

const units: Record<string, number> = {
  s: 1000,
  m: minuteMs,
  h: 60 * minuteMs,
  d: 24 * 60 * minuteMs,
  w: 7 * 24 * 60 * minuteMs,
};

/** `90s`, `15m`, `2h`, `7d`, `1w`, or combinations such as `1d12h`. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+)([smhdw])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new Error(`not a duration: ${text} (try 2h, 7d, 1d12h)`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] ?? 0), 0);
}
