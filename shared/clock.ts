/**
 * The time every handler sees. On AWS it is the system clock. The local runtime moves it forward
 * (`npm run local -- advance 7d`) so a week of journeys can be watched in minutes; handlers run
 * in the runtime's process and read the same offset.
 */
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

/** Moves the clock to an instant (never backwards): the local scheduler steps through firings with it. */
export function setClockTo(at: Date): void {
  offsetMs = Math.max(offsetMs, at.getTime() - Date.now());
}
