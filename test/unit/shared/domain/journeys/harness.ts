import { expect } from 'vitest';
import type { JourneyDefinition } from '../../../../../shared/domain/journeys/definition.js';
import {
  type Advance,
  advance,
  type JourneyCustomer,
  type JourneyInstance,
  start,
} from '../../../../../shared/domain/journeys/interpreter.js';
import type { JourneyEvent } from '../../../../../shared/domain/journeys/triggers.js';

/**
 * Drives one journey for one customer the way the runner will: events in, the clock moved on, due
 * wake-ups fired in time order. Every event and timer is delivered twice, and the second delivery
 * must change nothing, so each table also checks idempotency.
 */

export function customer(overrides: Partial<JourneyCustomer> = {}): JourneyCustomer {
  return {
    customerId: 'c1',
    shopTimeZone: 'Asia/Shanghai',
    traits: { email: 'a@example.com', phone: '+8613800000000' },
    activity: 'active',
    segments: [],
    stats: { paidOrderCount: 0, totalSpend: 0, unpaidOrders: 0, firstOrderAt: null, lastOrderAt: null },
    pAlive: null,
    predictedNextOrderAt: null,
    entries: [],
    ...overrides,
  };
}

let eventSeq = 0;
export function event(type: string, properties: Record<string, unknown> = {}, id?: string) {
  eventSeq += 1;
  return { id: id ?? `e${eventSeq}`, type, properties };
}

export interface Row {
  /** When the row happens (ISO). */
  at: string;
  /** An event of the customer at that time. */
  event?: ReturnType<typeof event>;
  /** Change what is known of the customer from this row on. */
  customer?: Partial<JourneyCustomer>;
  /** Sends since the previous row, up to this row's event: "YYYY-MM-DDTHH:MM template key [coupon]" (UTC). */
  sends: string[];
}

export class Simulation {
  readonly instances: JourneyInstance[] = [];
  private timers: Array<{ instanceId: string; at: string }> = [];
  private who: JourneyCustomer;
  private sends: string[] = [];
  readonly exits: string[] = [];

  constructor(
    private readonly def: JourneyDefinition,
    who: JourneyCustomer = customer(),
  ) {
    this.who = who;
  }

  private view(): JourneyCustomer {
    const entries = this.instances.map((i) => ({
      instanceId: i.instanceId,
      journeyId: i.journeyId,
      key: i.key,
      startedAt: i.startedAt,
      endedAt: i.endedAt,
    }));
    return { ...this.who, entries };
  }

  private apply(result: Advance, at: string): void {
    const instanceId = result.instance.instanceId;
    const index = this.instances.findIndex((i) => i.instanceId === result.instance.instanceId);
    if (index === -1) this.instances.push(result.instance);
    else this.instances[index] = result.instance;
    for (const a of result.actions) {
      if (a.type === 'send') {
        expect(a.dueAt).toBe(at);
        const key = a.data.key === null ? '' : ` ${a.data.key}`;
        this.sends.push(
          `${a.dueAt.slice(0, 16)} ${a.template}${key}${a.couponRule ? ` [${a.couponRule}]` : ''}`,
        );
      } else if (a.type === 'wakeAt') this.timers.push({ instanceId, at: a.at });
      else if (a.type === 'cancelWake')
        this.timers = this.timers.filter((t) => !(t.instanceId === instanceId && t.at === a.at));
      else if (a.type === 'exit') this.exits.push(`${result.instance.key ?? '-'}: ${a.reason}`);
    }
  }

  /** Fires every wake-up due up to `until`, in time order, each twice. */
  advanceTo(until: string): void {
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= until)
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))[0];
      if (!due) return;
      this.timers = this.timers.filter((t) => t !== due);
      const inst = this.instances.find((i) => i.instanceId === due.instanceId) as JourneyInstance;
      const now = new Date(due.at);
      const result = advance(inst, this.def, { timerFired: due.at }, this.view(), now);
      this.apply(result, due.at);
      const again = advance(result.instance, this.def, { timerFired: due.at }, this.view(), now);
      expect(again.actions).toEqual([]);
      expect(again.instance).toEqual(result.instance);
    }
  }

  /** An event at `at`: to every active instance, then as a possible trigger; each delivered twice. */
  deliver(e: ReturnType<typeof event>, at: string): void {
    const full: JourneyEvent = { ...e, occurredAt: at };
    const now = new Date(at);
    for (const inst of [...this.instances]) {
      const result = advance(inst, this.def, { event: full }, this.view(), now);
      this.apply(result, at);
      const again = advance(result.instance, this.def, { event: full }, this.view(), now);
      expect(again.actions).toEqual([]);
      expect(again.instance).toEqual(result.instance);
    }
    const started = start(this.def, full, this.view(), now);
    if (started) {
      this.apply(started, at);
      expect(start(this.def, full, this.view(), now)).toBeNull();
    }
  }

  setCustomer(patch: Partial<JourneyCustomer>): void {
    this.who = { ...this.who, ...patch };
  }

  takeSends(): string[] {
    const out = this.sends;
    this.sends = [];
    return out;
  }

  run(rows: Row[]): void {
    for (const [i, row] of rows.entries()) {
      this.advanceTo(row.at);
      if (row.customer) this.setCustomer(row.customer);
      if (row.event) this.deliver(row.event, row.at);
      expect(this.takeSends(), `row ${i} at ${row.at}`).toEqual(row.sends);
    }
  }
}
