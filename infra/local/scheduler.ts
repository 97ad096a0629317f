import { now, setClockTo } from '../../shared/clock.js';

/** What one firing of a schedule did. */
export interface Firing {
  /** It did work whose consequences (queued messages, stream records) settle before the next firing. */
  worked: boolean;
  /**
   * When the schedule next has work (ISO instant), as its handler reports it: null when it knows of
   * none; absent when it does not say (it fires on every boundary).
   */
  nextDueAt?: string | null;
}

export interface LocalSchedule {
  name: string;
  everyMinutes: number;
  fire: (at: Date, detail?: Record<string, unknown>) => Promise<Firing>;
}

const minuteMs = 60_000;

function nextBoundary(after: number, everyMinutes: number): number {
  const step = everyMinutes * minuteMs;
  return Math.floor(after / step) * step + step;
}

/** The first boundary of the schedule at or after `at`. */
function boundaryAtOrAfter(at: number, everyMinutes: number): number {
  const step = everyMinutes * minuteMs;
  return Math.ceil(at / step) * step;
}

/**
 * The schedules on a local clock: fires each on its boundaries as (shifted) time passes, and on
 * `advance` steps through the boundaries in between, in order, with the clock set to each, so
 * handlers see the time they would have seen on AWS.
 *
 * A schedule whose handler reports when it next has work (`nextDueAt`) is not fired on the
 * boundaries before that: the clock jumps to the next minute anything is due, never past another
 * schedule's boundary (the hourly refresh still fires at every hour). On AWS the same handler runs
 * every minute, and an idle minute costs it one small read. A report holds only until something
 * settles (a firing that worked: its stream and queues may have added work) and only within one
 * catch-up: after either, each schedule fires on its next boundary again, which asks it afresh.
 * Work written from outside meanwhile (a request during an `advance`) is at worst picked up late at
 * the next firing, never lost: the due-step runner resumes from its cursors.
 */
export class LocalScheduler {
  private lastTick = now().getTime();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly schedules: LocalSchedule[],
    private readonly settle: () => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.exclusive(() => this.catchUp(now().getTime())), 1000);
    this.timer.unref();
  }

  /**
   * Stops the clock: a catch-up under way ends after the firing in hand, rather than running the
   * rest of an advance nobody waits for any more (a test that timed out) against a stack going down.
   */
  stop(): Promise<unknown> {
    this.stopped = true;
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
      // What was requested before the clock moves (events still on the stream) starts its work now.
      await this.settle();
      const target = now().getTime() + ms;
      const fired = await this.catchUp(target);
      setClockTo(new Date(target));
      await this.settle();
      return fired;
    });
  }

  private async catchUp(target: number): Promise<number> {
    let fired = 0;
    // What each reporting schedule said of its next work; none known yet: every boundary fires.
    const reported = new Map<LocalSchedule, number>();
    const dueAt = (s: LocalSchedule) => {
      const boundary = nextBoundary(this.lastTick, s.everyMinutes);
      const said = reported.get(s);
      return said === undefined ? boundary : Math.max(boundary, said);
    };
    while (!this.stopped) {
      const next = Math.min(...this.schedules.map(dueAt));
      if (next > target) break;
      setClockTo(new Date(next));
      let worked = false;
      for (const s of this.schedules.filter((s) => dueAt(s) === next)) {
        fired += 1;
        try {
          const firing = await s.fire(new Date(next));
          worked = firing.worked || worked;
          if (firing.nextDueAt === undefined) reported.delete(s);
          else
            reported.set(
              s,
              firing.nextDueAt === null
                ? Number.POSITIVE_INFINITY
                : boundaryAtOrAfter(Date.parse(firing.nextDueAt), s.everyMinutes),
            );
        } catch (error) {
          reported.delete(s);
          this.log(`${s.name} failed at ${new Date(next).toISOString()}: ${(error as Error).message}`);
        }
      }
      this.lastTick = next;
      if (worked) {
        await this.settle();
        // What settled may have added work anywhere: every schedule is asked again at its next boundary.
        reported.clear();
      }
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
