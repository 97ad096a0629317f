import { isoDay, localOf } from '../journeys/time.js';
import {
  type Arm,
  armOf,
  type Interval,
  type LiftReport,
  type LiftVerdict,
  liftReport,
} from '../sending/lift.js';
import { keptRevenue, type SendRecord, stands } from '../sending/send-request.js';

/**
 * What a campaign, a journey step or a whole shop's sending brought, from its send records alone:
 * the funnel, what was withheld or skipped and why, the cost, the revenue credited to the sends,
 * and (the honest part) the treated customers against the holdout over the same window. Pure, so
 * every number can be checked by hand.
 */

export interface ReportOptions {
  /** Days and weeks are the shop's. */
  timeZone: string;
  /** The shop's currency: revenue is in its units, as the orders came in. */
  currency: string;
  /** Shop currency units per US dollar, to put the send cost (USD) beside revenue; 1 for a USD shop. */
  usdRate?: number;
  /** Fewer conversions than this in an arm is "not enough data" (lift.ts's default otherwise). */
  minConversions?: number;
}

export interface Funnel {
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  /** Sends an order was credited to (coupon or touch). */
  converted: number;
}

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface DayPoint {
  day: string;
  sent: number;
  /** Orders credited to sends on that day (the order's day). */
  conversions: number;
  revenue: number;
}

export type ReportVerdict = LiftVerdict | 'no-holdout';

export interface SendReport {
  records: number;
  funnel: Funnel;
  withheld: ReasonCount[];
  skipped: ReasonCount[];
  /** Sends that did not arrive, by status (bounced, complained, rejected, failed). */
  undelivered: ReasonCount[];
  cost: { usd: number /** In the shop's currency; null without a rate. */; shopCurrency: number | null };
  revenue: {
    /** Orders credited to the sends, and their revenue, in the shop's currency units. */
    attributedOrders: number;
    attributed: number;
    /** Beyond what the holdout predicts; null without a holdout. */
    incremental: number | null;
    incrementalCi95: Interval | null;
  };
  arms: { treated: Arm; holdout: Arm };
  /** Treated against holdout (lift.ts); null when an arm is empty. */
  lift: LiftReport | null;
  verdict: ReportVerdict;
  /** The verdict in words a shop owner reads; a small sample never reads as a win. */
  label: string;
  /** (incremental revenue − cost) / cost; null without a cost, a rate or a holdout. */
  roi: number | null;
  daily: DayPoint[];
}

export const holdoutReason = 'held-out';

const cents = (x: number) => Math.round(x * 100) / 100;
const touched = {
  delivered: new Set(['delivered', 'opened', 'clicked']),
  opened: new Set(['opened', 'clicked']),
  clicked: new Set(['clicked']),
};
const undeliveredStatuses = new Set(['bounced', 'complained', 'rejected', 'failed']);

export const labels: Record<ReportVerdict, string> = {
  'no-holdout': 'No holdout: what it caused cannot be told',
  'insufficient-data': 'Not enough data yet',
  lift: 'Lift: more orders than the holdout',
  'no-difference': 'No measurable difference from the holdout',
  drop: 'Fewer orders than the holdout',
};

export const isSent = (r: SendRecord) => r.sentAt !== undefined;
export const isHoldout = (r: SendRecord) => r.status === 'withheld' && r.reason === holdoutReason;
/** Credited with an order that still stands (a cancelled or wholly refunded one no longer counts). */
export const isCredited = (r: SendRecord) =>
  r.conversion !== undefined && r.conversion.by !== 'window' && stands(r.conversion);

/** What the records' credited orders still bring, refunds taken off, each order counted once. */
function creditedRevenue(credited: SendRecord[]): number {
  const orders = new Map<string, number>();
  for (const r of credited) if (r.conversion) orders.set(r.conversion.orderId, keptRevenue(r.conversion));
  return cents([...orders.values()].reduce((sum, v) => sum + v, 0));
}

export function dayOf(at: string, timeZone: string): string {
  return isoDay(localOf(new Date(at), timeZone));
}

/** The Monday starting the shop-local week of an instant. */
export function weekOf(at: string, timeZone: string): string {
  const day = dayOf(at, timeZone);
  const t = Date.parse(`${day}T00:00:00Z`);
  const back = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - back * 86_400_000).toISOString().slice(0, 10);
}

function countBy(records: SendRecord[], key: (r: SendRecord) => string | null): ReasonCount[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const k = key(r);
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

/** Each customer's orders and revenue in the window, one order counted once however many records it converted. */
function armOfRecords(records: SendRecord[]): Arm {
  const customers = new Map<string, Map<string, number>>();
  for (const r of records) {
    const orders = customers.get(r.customerId) ?? new Map<string, number>();
    customers.set(r.customerId, orders);
    if (r.conversion && stands(r.conversion)) orders.set(r.conversion.orderId, keptRevenue(r.conversion));
  }
  return armOf(
    [...customers.values()].map((orders) => ({
      orders: orders.size,
      revenue: cents([...orders.values()].reduce((a, b) => a + b, 0)),
    })),
  );
}

/** The treated arm (every customer sent to) and the holdout (every customer held out), from a unit's records. */
export function armsOf(records: SendRecord[]): { treated: Arm; holdout: Arm } {
  return { treated: armOfRecords(records.filter(isSent)), holdout: armOfRecords(records.filter(isHoldout)) };
}

export function costOf(records: SendRecord[], usdRate: number | undefined, currency: string) {
  const usd = records.reduce((sum, r) => sum + (r.costMicros ?? 0), 0) / 1e6;
  const rate = usdRate ?? (currency === 'USD' ? 1 : undefined);
  return { usd: Math.round(usd * 1e6) / 1e6, shopCurrency: rate === undefined ? null : cents(usd * rate) };
}

export function sendReport(records: SendRecord[], options: ReportOptions): SendReport {
  const sent = records.filter(isSent);
  const reached = (stage: keyof typeof touched) =>
    sent.filter((r) => r.history.some((h) => touched[stage].has(h.status))).length;
  const credited = records.filter(isCredited);
  const funnel: Funnel = {
    sent: sent.length,
    delivered: reached('delivered'),
    opened: reached('opened'),
    clicked: reached('clicked'),
    converted: credited.length,
  };
  const cost = costOf(records, options.usdRate, options.currency);
  const arms = armsOf(records);
  const lift =
    arms.treated.customers > 0 && arms.holdout.customers > 0
      ? liftReport(arms.treated, arms.holdout, {
          sendCost: cost.shopCurrency ?? 0,
          ...(options.minConversions === undefined ? {} : { minConversions: options.minConversions }),
        })
      : null;
  const verdict: ReportVerdict = lift?.verdict ?? 'no-holdout';
  const days = new Map<string, DayPoint>();
  const point = (day: string) => {
    const p = days.get(day) ?? { day, sent: 0, conversions: 0, revenue: 0 };
    days.set(day, p);
    return p;
  };
  for (const r of sent) point(dayOf(r.sentAt as string, options.timeZone)).sent += 1;
  for (const r of credited) {
    const p = point(dayOf(r.conversion?.at as string, options.timeZone));
    p.conversions += 1;
    p.revenue = cents(p.revenue + (r.conversion ? keptRevenue(r.conversion) : 0));
  }
  return {
    records: records.length,
    funnel,
    withheld: countBy(records, (r) => (r.status === 'withheld' ? (r.reason ?? 'unknown') : null)),
    skipped: countBy(records, (r) => (r.status === 'skipped' ? (r.reason ?? 'unknown') : null)),
    undelivered: countBy(records, (r) => (undeliveredStatuses.has(r.status) ? r.status : null)),
    cost,
    revenue: {
      attributedOrders: new Set(credited.map((r) => r.conversion?.orderId)).size,
      attributed: creditedRevenue(credited),
      incremental: lift ? lift.incrementalRevenue : null,
      incrementalCi95: lift ? lift.incrementalRevenueCi95 : null,
    },
    arms,
    lift,
    verdict,
    label: labels[verdict],
    roi: cost.shopCurrency === null ? null : (lift?.roi ?? null),
    daily: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
  };
}

/** A journey's report: the whole journey, and each step on its own (each step has its own holdout). */
export function journeyReport(records: SendRecord[], options: ReportOptions) {
  return {
    total: sendReport(records, options),
    steps: byStep(records).map(([step, stepRecords]) => ({ step, report: sendReport(stepRecords, options) })),
  };
}

/** A journey's records step by step, in the order of the step ids. */
export function byStep(records: SendRecord[]): Array<[string, SendRecord[]]> {
  const steps = new Map<string, SendRecord[]>();
  for (const r of records) steps.set(r.step, [...(steps.get(r.step) ?? []), r]);
  return [...steps].sort(([a], [b]) => (a < b ? -1 : 1));
}

export interface WeekPoint {
  week: string;
  sends: number;
  costUsd: number;
  attributedRevenue: number;
  /** Summed over the units with a holdout that week; null when none had one. */
  incrementalRevenue: number | null;
  /** Fewer conversions than the minimum in the week's pooled treated or holdout arm. */
  notEnoughData: boolean;
}

/**
 * The shop's sending by week (of the request): sends, cost, revenue credited, and revenue beyond
 * each unit's holdout, estimated unit by unit (a campaign or journey step against its own holdout)
 * and summed.
 */
export function overviewReport(units: SendRecord[][], options: ReportOptions): { weeks: WeekPoint[] } {
  const min = options.minConversions ?? 10;
  const weeks = new Map<string, { records: SendRecord[]; units: SendRecord[][] }>();
  for (const unit of units) {
    const byWeek = new Map<string, SendRecord[]>();
    for (const r of unit) {
      const week = weekOf(r.requestedAt, options.timeZone);
      byWeek.set(week, [...(byWeek.get(week) ?? []), r]);
    }
    for (const [week, records] of byWeek) {
      const w = weeks.get(week) ?? { records: [], units: [] };
      weeks.set(week, w);
      w.records.push(...records);
      w.units.push(records);
    }
  }
  const out = [...weeks].map(([week, { records, units: parts }]): WeekPoint => {
    let incremental: number | null = null;
    let treatedConverters = 0;
    let holdoutConverters = 0;
    for (const part of parts) {
      const { treated, holdout } = armsOf(part);
      if (treated.customers === 0 || holdout.customers === 0) continue;
      treatedConverters += treated.converters;
      holdoutConverters += holdout.converters;
      const perCustomer = treated.revenue / treated.customers - holdout.revenue / holdout.customers;
      incremental = (incremental ?? 0) + perCustomer * treated.customers;
    }
    const credited = records.filter(isCredited);
    return {
      week,
      sends: records.filter(isSent).length,
      costUsd: costOf(records, undefined, 'USD').usd,
      attributedRevenue: creditedRevenue(credited),
      incrementalRevenue: incremental === null ? null : cents(incremental),
      notEnoughData: incremental === null || Math.min(treatedConverters, holdoutConverters) < min,
    };
  });
  return { weeks: out.sort((a, b) => (a.week < b.week ? -1 : 1)) };
}
