import type { JourneyEvent } from '../../domain/journeys/triggers.js';

/** One page of a holiday's fan-out: a shard of the shop's customers from a cursor. */
export interface HolidayTask {
  /** Tells the task apart from campaign pages on the queue they share. */
  kind: 'holiday';
  shopId: string;
  /** The holiday event every customer is fed (`holiday#<id>#<day>`). */
  event: JourneyEvent;
  shard: number;
  cursor?: string;
  /** 0 for the shard's first page; for the logs. */
  page: number;
}

export interface HolidayQueue {
  enqueue(tasks: HolidayTask[]): Promise<void>;
}

/** Which holidays of a shop were fanned out, so a later tick does not start them again. */
export interface HolidayRunStore {
  started(shopId: string, eventId: string): Promise<boolean>;
  markStarted(shopId: string, eventId: string, at: Date): Promise<void>;
}
