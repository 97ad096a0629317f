/** A clock a test moves by hand; `now` is bound, so it can be handed over as `clock: () => Date`. */
export class FakeClock {
  private at: number;

  constructor(start = '2026-11-02T08:00:00.000Z') {
    this.at = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.at);

  iso(): string {
    return this.now().toISOString();
  }

  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number }): Date {
    this.at +=
      (by.days ?? 0) * 86_400_000 +
      (by.hours ?? 0) * 3_600_000 +
      (by.minutes ?? 0) * 60_000 +
      (by.seconds ?? 0) * 1000 +
      (by.ms ?? 0);
    return this.now();
  }

  set(iso: string): Date {
    this.at = Date.parse(iso);
    return this.now();
  }
}
