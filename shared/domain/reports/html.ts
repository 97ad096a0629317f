import type { Interval } from '../sending/lift.js';
import type { ReasonCount, SendReport, WeekPoint } from './report.js';

/**
 * The reports as self-contained pages a shop owner reads: inline CSS and SVG, no script, nothing
 * fetched. Every mark carries its number in a data attribute and as text, so what is drawn can be
 * checked against the JSON.
 */

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;
const money = (x: number, currency: string) => `${x.toFixed(2)} ${esc(currency)}`;

const style = `
body{font:15px/1.45 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;background:#f6f7f9;color:#1f2933}
main{max-width:920px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:16px;margin:20px 0 6px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.verdict{display:inline-block;padding:4px 10px;border-radius:14px;font-weight:600}
.verdict.lift{background:#d9f2e3;color:#13613a}.verdict.drop{background:#fde2e1;color:#8a1c1c}
.verdict.insufficient-data,.verdict.no-holdout,.verdict.no-difference{background:#eceff3;color:#3e4c59}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #e4e7eb}
td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#7b8794;font-size:13px}
svg text{font:12px system-ui,sans-serif;fill:#1f2933}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`;
}

function hbars(
  chart: string,
  rows: Array<{ key: string; label: string; value: number; text: string }>,
  color: string,
  /** The value drawn full width; the largest row's otherwise. */
  scale?: number,
) {
  const max = scale ?? Math.max(1, ...rows.map((r) => r.value));
  const width = 560;
  const row = 30;
  const bars = rows
    .map((r, i) => {
      const w = Math.round((r.value / max) * (width - 260));
      const y = i * row;
      return `<g data-key="${esc(r.key)}" data-value="${r.value}"><text x="0" y="${y + 19}">${esc(r.label)}</text><rect x="110" y="${y + 5}" width="${w}" height="20" rx="3" fill="${color}"/><text class="value" x="${118 + w}" y="${y + 19}">${esc(r.text)}</text></g>`;
    })
    .join('');
  return `<svg data-chart="${chart}" role="img" viewBox="0 0 ${width} ${rows.length * row + 6}" width="100%">${bars}</svg>`;
}

function funnelChart(report: SendReport): string {
  const { funnel } = report;
  const stages = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;
  return hbars(
    'funnel',
    stages.map((s) => ({
      key: s,
      label: s[0]?.toUpperCase() + s.slice(1),
      value: funnel[s],
      text:
        s === 'sent' || funnel.sent === 0
          ? String(funnel[s])
          : `${funnel[s]} (${pct(funnel[s] / funnel.sent)})`,
    })),
    '#3e7cb1',
  );
}

/** The arms' conversion rates side by side, and the lift's 95% interval against zero. */
function armsChart(report: SendReport): string {
  const { treated, holdout } = report.arms;
  const rate = (a: { customers: number; converters: number }) =>
    a.customers > 0 ? a.converters / a.customers : 0;
  const bars = hbars(
    'arms',
    [
      {
        key: 'treated',
        label: 'Sent to',
        value: rate(treated),
        text: `${pct(rate(treated))} of ${treated.customers}`,
      },
      {
        key: 'holdout',
        label: 'Holdout',
        value: rate(holdout),
        text: `${pct(rate(holdout))} of ${holdout.customers}`,
      },
    ],
    '#7b61a8',
    Math.max(0.001, rate(treated), rate(holdout)),
  );
  const lift = report.lift;
  if (!lift) return bars;
  return bars + intervalChart('lift-interval', lift.conversion.absoluteLift, lift.conversion.absoluteCi95);
}

function intervalChart(chart: string, estimate: number, ci: Interval): string {
  const width = 560;
  const span = Math.max(Math.abs(ci.low), Math.abs(ci.high), Math.abs(estimate), 0.001) * 1.2;
  const x = (v: number) => Math.round(width / 2 + (v / span) * (width / 2 - 40));
  return `<svg data-chart="${chart}" data-estimate="${estimate}" data-low="${ci.low}" data-high="${ci.high}" role="img" viewBox="0 0 ${width} 60" width="100%"><line x1="${x(0)}" y1="4" x2="${x(0)}" y2="40" stroke="#9aa5b1" stroke-dasharray="3 3"/><text x="${x(0) - 4}" y="54">0</text><line class="ci" x1="${x(ci.low)}" y1="22" x2="${x(ci.high)}" y2="22" stroke="#1f2933" stroke-width="2"/><line x1="${x(ci.low)}" y1="15" x2="${x(ci.low)}" y2="29" stroke="#1f2933" stroke-width="2"/><line x1="${x(ci.high)}" y1="15" x2="${x(ci.high)}" y2="29" stroke="#1f2933" stroke-width="2"/><circle cx="${x(estimate)}" cy="22" r="5" fill="#7b61a8"/><text class="low" x="${x(ci.low) - 30}" y="10">${points(ci.low)}</text><text class="high" x="${x(ci.high) - 10}" y="10">${points(ci.high)}</text></svg>`;
}

function dailyChart(report: SendReport): string {
  const days = report.daily;
  if (days.length === 0) return '<p class="muted">No sends yet.</p>';
  const width = 560;
  const height = 160;
  const max = Math.max(1, ...days.map((d) => d.conversions));
  const step = Math.min(60, (width - 40) / days.length);
  const bars = days
    .map((d, i) => {
      const h = Math.round((d.conversions / max) * (height - 50));
      const x = 30 + i * step;
      return `<g data-day="${d.day}" data-value="${d.conversions}" data-revenue="${d.revenue}"><rect x="${x}" y="${height - 30 - h}" width="${Math.max(4, step - 8)}" height="${h}" fill="#2f9e72"/><text class="value" x="${x}" y="${height - 34 - h}">${d.conversions}</text><text x="${x}" y="${height - 14}">${d.day.slice(5)}</text></g>`;
    })
    .join('');
  return `<svg data-chart="daily" role="img" viewBox="0 0 ${width} ${height}" width="100%"><line x1="26" y1="${height - 30}" x2="${width}" y2="${height - 30}" stroke="#9aa5b1"/>${bars}</svg>`;
}

function reasons(title: string, rows: ReasonCount[]): string {
  if (rows.length === 0) return '';
  return `<h3>${esc(title)}</h3><table data-table="${esc(title.toLowerCase())}">${rows.map((r) => `<tr><td>${esc(r.reason)}</td><td class="n">${r.count}</td></tr>`).join('')}</table>`;
}

function moneyTable(report: SendReport, currency: string): string {
  const small = report.verdict === 'insufficient-data';
  const caveat = small ? ' <span class="muted">(not enough data)</span>' : '';
  const inc = report.revenue.incremental;
  const ci = report.revenue.incrementalCi95;
  const rows = [
    [
      'Cost of the sends',
      `${report.cost.usd.toFixed(4)} USD${report.cost.shopCurrency === null ? '' : ` (${money(report.cost.shopCurrency, currency)})`}`,
      'cost',
    ],
    [
      'Revenue credited to the sends',
      `${money(report.revenue.attributed, currency)} from ${report.revenue.attributedOrders} orders`,
      'attributed',
    ],
    [
      'Revenue beyond the holdout',
      inc === null
        ? 'no holdout'
        : `${money(inc, currency)}${ci ? ` (95% CI ${money(ci.low, currency)} to ${money(ci.high, currency)})` : ''}${caveat}`,
      'incremental',
    ],
    ['Return on the cost', report.roi === null ? 'n/a' : `${report.roi.toFixed(2)}×${caveat}`, 'roi'],
  ];
  return `<table data-table="money">${rows.map(([k, v, key]) => `<tr data-key="${key}"><td>${k}</td><td class="n">${v}</td></tr>`).join('')}</table>`;
}

function liftSummary(report: SendReport): string {
  const lift = report.lift;
  const head = `<p><span class="verdict ${report.verdict}" data-verdict="${report.verdict}">${esc(report.label)}</span></p>`;
  if (!lift) return head;
  const c = lift.conversion;
  return `${head}<p>Conversion ${pct(c.treated)} sent to against ${pct(c.holdout)} held out: ${points(c.absoluteLift)} (95% CI ${points(c.absoluteCi95.low)} to ${points(c.absoluteCi95.high)}), ${c.pValue < 0.001 ? 'p < 0.001' : `p = ${c.pValue.toFixed(3)}`}.${lift.note ? ` <span class="muted">${esc(lift.note)}.</span>` : ''}</p>`;
}

function sections(report: SendReport, currency: string): string {
  return [
    `<section><h2>Did it bring orders?</h2>${liftSummary(report)}${armsChart(report)}<p class="muted">Customers with an order within the window after the send (or after being held out).</p></section>`,
    `<section><h2>Money</h2>${moneyTable(report, currency)}</section>`,
    `<section><h2>Funnel</h2>${funnelChart(report)}</section>`,
    `<section><h2>Credited orders by day</h2>${dailyChart(report)}</section>`,
    `<section><h2>Not sent</h2>${reasons('Withheld', report.withheld)}${reasons('Skipped', report.skipped)}${reasons('Undelivered', report.undelivered)}${report.withheld.length + report.skipped.length + report.undelivered.length === 0 ? '<p class="muted">Everything went.</p>' : ''}</section>`,
  ].join('');
}

export function reportPage(title: string, report: SendReport, currency: string): string {
  return page(
    title,
    `<h1>${esc(title)}</h1><p class="muted">${report.records} send records</p>${sections(report, currency)}`,
  );
}

export function journeyPage(
  title: string,
  journey: { total: SendReport; steps: Array<{ step: string; report: SendReport }> },
  currency: string,
): string {
  const steps = journey.steps
    .map(
      ({ step, report }) =>
        `<tr data-step="${esc(step)}"><td>${esc(step)}</td><td class="n">${report.funnel.sent}</td><td class="n">${report.funnel.converted}</td><td class="n">${money(report.revenue.attributed, currency)}</td><td class="n">${report.revenue.incremental === null ? '—' : money(report.revenue.incremental, currency)}</td><td><span class="verdict ${report.verdict}">${esc(report.label)}</span></td></tr>`,
    )
    .join('');
  return page(
    title,
    `<h1>${esc(title)}</h1><section><h2>By step</h2><table data-table="steps"><tr><th>Step</th><th>Sent</th><th>Credited</th><th>Revenue credited</th><th>Beyond holdout</th><th>Verdict</th></tr>${steps}</table></section><h2>The whole journey</h2>${sections(journey.total, currency)}`,
  );
}

export function overviewPage(title: string, weeks: WeekPoint[], currency: string): string {
  const width = 560;
  const height = 200;
  const max = Math.max(
    1,
    ...weeks.flatMap((w) => [w.attributedRevenue, Math.abs(w.incrementalRevenue ?? 0)]),
  );
  const group = Math.min(90, (width - 40) / Math.max(1, weeks.length));
  const bar = (group - 14) / 2;
  const y0 = height - 40;
  const h = (v: number) => Math.round((Math.abs(v) / max) * (height - 70));
  const bars = weeks
    .map((w, i) => {
      const x = 30 + i * group;
      const inc = w.incrementalRevenue ?? 0;
      return `<g data-week="${w.week}" data-attributed="${w.attributedRevenue}" data-incremental="${w.incrementalRevenue ?? ''}"><rect x="${x}" y="${y0 - h(w.attributedRevenue)}" width="${bar}" height="${h(w.attributedRevenue)}" fill="#3e7cb1"/><rect x="${x + bar + 2}" y="${inc >= 0 ? y0 - h(inc) : y0}" width="${bar}" height="${h(inc)}" fill="${w.notEnoughData ? '#c5ccd3' : '#2f9e72'}"/><text x="${x}" y="${height - 22}">${w.week.slice(5)}</text></g>`;
    })
    .join('');
  const chart = `<svg data-chart="weekly" role="img" viewBox="0 0 ${width} ${height}" width="100%"><line x1="26" y1="${y0}" x2="${width}" y2="${y0}" stroke="#9aa5b1"/>${bars}<rect x="30" y="${height - 12}" width="10" height="10" fill="#3e7cb1"/><text x="44" y="${height - 3}">credited</text><rect x="120" y="${height - 12}" width="10" height="10" fill="#2f9e72"/><text x="134" y="${height - 3}">beyond holdout (grey: not enough data)</text></svg>`;
  const rows = weeks
    .map(
      (w) =>
        `<tr data-week="${w.week}"><td>${w.week}</td><td class="n">${w.sends}</td><td class="n">${w.costUsd.toFixed(4)} USD</td><td class="n">${money(w.attributedRevenue, currency)}</td><td class="n">${w.incrementalRevenue === null ? '—' : money(w.incrementalRevenue, currency)}${w.notEnoughData ? ' <span class="muted">(not enough data)</span>' : ''}</td></tr>`,
    )
    .join('');
  return page(
    title,
    `<h1>${esc(title)}</h1><section><h2>Revenue by week</h2>${chart}</section><section><table data-table="weeks"><tr><th>Week of</th><th>Sends</th><th>Cost</th><th>Credited</th><th>Beyond holdout</th></tr>${rows}</table></section>`,
  );
}
