/**
 * From a customer's orders (ISO times) to what the models read. Purchase occasions are UTC calendar
 * days: several orders on one day are one occasion (often one basket split up), and all times are
 * whole days since the first occasion, which also lets a shop's customers aggregate well.
 */

import type { PurchaseHistory } from './bgnbd.js';

export interface Order {
  at: string;
  /** Minor units. Spend models need it on every order of a customer. */
  amount?: number;
}

export interface CustomerOrders {
  orders: readonly Order[];
}

export interface OrderSummary extends PurchaseHistory {
  /** The last order's instant (ms). */
  lastOrderMs: number;
  /** Days between consecutive occasions, in order (x of them). */
  intervalsDays: number[];
  /** Spend per occasion, first occasion first; null if an amount is missing. */
  occasionSpend: number[] | null;
}

export const dayMs = 86_400_000;

export function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO date: ${iso}`);
  return ms;
}

/** The customer's history as of asOfMs (later orders are ignored); null if no order by then. */
export function summarizeOrders(customer: CustomerOrders, asOfMs: number): OrderSummary | null {
  const byDay = new Map<number, number | null>();
  let lastOrderMs = Number.NEGATIVE_INFINITY;
  for (const o of customer.orders) {
    const ms = parseInstant(o.at);
    if (ms > asOfMs) continue;
    lastOrderMs = Math.max(lastOrderMs, ms);
    const day = Math.floor(ms / dayMs);
    const spent = byDay.has(day) ? byDay.get(day) : 0;
    byDay.set(day, spent === null || spent === undefined || o.amount === undefined ? null : spent + o.amount);
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) return null;
  const spend = days.map((d) => byDay.get(d) ?? null);
  return {
    x: days.length - 1,
    tx: last - first,
    T: Math.floor(asOfMs / dayMs) - first,
    lastOrderMs,
    intervalsDays: days.slice(1).map((d, i) => d - (days[i] as number)),
    occasionSpend: spend.every((s) => s !== null) ? (spend as number[]) : null,
  };
}
