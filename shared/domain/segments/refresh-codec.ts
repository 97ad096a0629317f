import type { Distribution } from './distribution.js';
import type { ShardSketch, ShopCuts } from './engine.js';

/**
 * What the refresh's shards hand over, as JSON: typed arrays as plain arrays and the infinities cut
 * points can hold (no value scores that high) as strings, which JSON would otherwise turn into null.
 */

type Plain = number | string;
const out = (v: number): Plain => (Number.isFinite(v) ? v : String(v));
const back = (v: Plain): number => (typeof v === 'number' ? v : Number(v));

interface PlainDistribution {
  values: Plain[];
  counts: number[];
  total: number;
}

const plainDistribution = (d: Distribution): PlainDistribution => ({
  values: Array.from(d.values, out),
  counts: Array.from(d.counts),
  total: d.total,
});
const distribution = (d: PlainDistribution): Distribution => ({
  values: Float64Array.from(d.values, back),
  counts: Float64Array.from(d.counts),
  total: d.total,
});

export type PlainSketch = { customers: number } & Record<
  'recency' | 'frequency' | 'monetary' | 'rhythm',
  PlainDistribution
>;

export function encodeSketch(s: ShardSketch): PlainSketch {
  return {
    customers: s.customers,
    recency: plainDistribution(s.recency),
    frequency: plainDistribution(s.frequency),
    monetary: plainDistribution(s.monetary),
    rhythm: plainDistribution(s.rhythm),
  };
}

export function decodeSketch(s: PlainSketch): ShardSketch {
  return {
    customers: s.customers,
    recency: distribution(s.recency),
    frequency: distribution(s.frequency),
    monetary: distribution(s.monetary),
    rhythm: distribution(s.rhythm),
  };
}

export interface PlainCuts {
  customers: number;
  buyers: number;
  recency: Plain[];
  frequency: Plain[];
  monetary: Plain[];
  goldMinSpend: Plain;
  shopIntervalDays: number | null;
}

export function encodeCuts(c: ShopCuts): PlainCuts {
  return {
    ...c,
    recency: Array.from(c.recency, out),
    frequency: Array.from(c.frequency, out),
    monetary: Array.from(c.monetary, out),
    goldMinSpend: out(c.goldMinSpend),
  };
}

export function decodeCuts(c: PlainCuts): ShopCuts {
  return {
    ...c,
    recency: Float64Array.from(c.recency, back),
    frequency: Float64Array.from(c.frequency, back),
    monetary: Float64Array.from(c.monetary, back),
    goldMinSpend: back(c.goldMinSpend),
  };
}
