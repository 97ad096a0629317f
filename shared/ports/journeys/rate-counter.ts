/** Per-journey send counters by clock minute, for a journey's rate limit (domain/journeys/rate-limit.ts). */
export interface JourneyRateCounter {
  /** Counts one send of the journey on `counter` in `minute` (YYYY-MM-DDTHH:MM) and returns the count so far. */
  claim(shopId: string, journeyId: string, minute: string, counter: number): Promise<number>;
}
