import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRoutes } from '../../functions/api/routes/reports.js';
import { router } from '../../shared/http/router.js';
import { campaignReport } from '../../shared/use-cases/reports/reports.js';
import { FakeSendRecords } from '../support/fakes/send-records.js';
import { liftCampaign } from '../support/report-fixture.js';
import { teaShop } from '../support/shop-events.js';

/** Debian's chromium; the only reason this file may be skipped is its absence. */
const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => p !== undefined && existsSync(p),
);
// The README's screenshot is refreshed on request (UPDATE_SCREENSHOT=1); otherwise a scratch copy.
const screenshot = process.env.UPDATE_SCREENSHOT
  ? join(import.meta.dirname, '../../docs/report-screenshot.png')
  : join(tmpdir(), 'huitou-report-screenshot.png');
const shop = teaShop();
const records = new FakeSendRecords().put(...liftCampaign());

/** The report routes behind a real HTTP server, as API Gateway would hand requests to them. */
function serve(): Promise<Server> {
  const handle = router(reportRoutes({ sendRecords: records, sources: async () => [] }), async () => ({
    shop,
  }));
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const event = {
      rawPath: url.pathname,
      queryStringParameters: Object.fromEntries(url.searchParams),
      requestContext: { http: { method: req.method ?? 'GET' } },
    } as unknown as APIGatewayProxyEventV2;
    try {
      const out = await handle(event);
      res.writeHead(out.statusCode ?? 200, out.headers as Record<string, string>).end(out.body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!executablePath)('the campaign report page in chromium', () => {
  let browser: Browser;
  let server: Server;
  beforeAll(async () => {
    server = await serve();
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('draws the numbers of the JSON report', { timeout: 60_000 }, async () => {
    const expected = await campaignReport({ sendRecords: records }, shop, 'double-11', 7);
    const page = await browser.newPage({ viewport: { width: 980, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(r.url()));
    const { port } = server.address() as AddressInfo;
    const response = await page.goto(`http://127.0.0.1:${port}/v1/campaigns/double-11/report.html?usdRate=7`);
    expect(response?.status()).toBe(200);

    // The funnel: one bar per stage, as long as its count says, labelled with it.
    const funnel = await page.$$eval('svg[data-chart="funnel"] g', (gs) =>
      gs.map((g) => ({
        key: g.getAttribute('data-key'),
        value: Number(g.getAttribute('data-value')),
        width: Number(g.querySelector('rect')?.getBoundingClientRect().width),
        text: g.querySelector('text.value')?.textContent,
      })),
    );
    expect(funnel.map((f) => [f.key, f.value])).toEqual([
      ['sent', 1000],
      ['delivered', 920],
      ['opened', 400],
      ['clicked', 120],
      ['converted', 100],
    ]);
    expect(funnel.map((f) => f.text)).toEqual([
      '1000',
      '920 (92.0%)',
      '400 (40.0%)',
      '120 (12.0%)',
      '100 (10.0%)',
    ]);
    const sent = funnel[0]?.width ?? 0;
    expect(sent).toBeGreaterThan(100);
    for (const f of funnel) expect(f.width / sent).toBeCloseTo(f.value / 1000, 2);

    // Treated against holdout: the rates, and the interval of the lift around its estimate.
    const arms = await page.$$eval('svg[data-chart="arms"] text.value', (ts) => ts.map((t) => t.textContent));
    expect(arms).toEqual(['15.0% of 1000', '5.0% of 200']);
    const armWidths = await page.$$eval('svg[data-chart="arms"] rect', (rs) =>
      rs.map((r) => r.getBoundingClientRect().width),
    );
    expect((armWidths[1] ?? 0) / (armWidths[0] ?? 1)).toBeCloseTo(0.05 / 0.15, 2);
    const interval = await page.$eval('svg[data-chart="lift-interval"]', (svg) => ({
      estimate: Number(svg.getAttribute('data-estimate')),
      low: Number(svg.getAttribute('data-low')),
      high: Number(svg.getAttribute('data-high')),
      lowText: svg.querySelector('text.low')?.textContent,
      highText: svg.querySelector('text.high')?.textContent,
      ci: (() => {
        const r = svg.querySelector('line.ci')?.getBoundingClientRect();
        const dot = svg.querySelector('circle')?.getBoundingClientRect();
        return r && dot ? { left: r.left, right: r.right, dot: dot.left + dot.width / 2 } : null;
      })(),
    }));
    const lift = expected.lift?.conversion;
    expect(interval.estimate).toBeCloseTo(lift?.absoluteLift ?? Number.NaN, 12);
    expect(interval.low).toBeCloseTo(lift?.absoluteCi95.low ?? Number.NaN, 12);
    expect(interval.high).toBeCloseTo(lift?.absoluteCi95.high ?? Number.NaN, 12);
    expect(interval.lowText).toBe(`+${((lift?.absoluteCi95.low ?? 0) * 100).toFixed(1)} pts`);
    expect(interval.highText).toBe(`+${((lift?.absoluteCi95.high ?? 0) * 100).toFixed(1)} pts`);
    expect(interval.ci && interval.ci.left < interval.ci.dot && interval.ci.dot < interval.ci.right).toBe(
      true,
    );
    expect(await page.textContent('[data-verdict]')).toBe(expected.label);

    // Credited orders by the shop's day, tallest where most came.
    const daily = await page.$$eval('svg[data-chart="daily"] g', (gs) =>
      gs.map((g) => ({
        day: g.getAttribute('data-day'),
        value: Number(g.getAttribute('data-value')),
        height: Number(g.querySelector('rect')?.getBoundingClientRect().height),
        text: g.querySelector('text.value')?.textContent,
      })),
    );
    expect(daily.map((d) => [d.day, d.value])).toEqual(expected.daily.map((d) => [d.day, d.conversions]));
    expect(daily.map((d) => d.text)).toEqual(expected.daily.map((d) => String(d.conversions)));
    const tallest = Math.max(...daily.map((d) => d.height));
    for (const d of daily)
      expect(d.height / tallest).toBeCloseTo(d.value / Math.max(...daily.map((x) => x.value)), 1);

    // Money and the reasons nothing went.
    expect(await page.textContent('[data-key="attributed"] td.n')).toBe('10000.00 CNY from 100 orders');
    expect(await page.textContent('[data-key="incremental"] td.n')).toContain(
      `${expected.revenue.incremental?.toFixed(2)} CNY`,
    );
    const withheld = await page.$$eval('table[data-table="withheld"] tr', (rows) =>
      rows.map((r) => r.textContent),
    );
    expect(withheld).toEqual(['held-out200', 'global-control30']);
    const skipped = await page.$$eval('table[data-table="skipped"] tr', (rows) =>
      rows.map((r) => r.textContent),
    );
    expect(skipped).toEqual(['no-consent30', 'suppressed10']);

    expect(errors).toEqual([]);
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
  });

  it('labels a small sample as not enough data, never as a win', { timeout: 60_000 }, async () => {
    // 40 sent to, all converted; 25 held out, 5 converted: a big gap on a handful of holdout orders.
    const kept = /-(t[0-3]?[0-9]|h[0-4]|h1[0-2][0-9])$/;
    records.put(...liftCampaign('small').filter((r) => kept.test(r.sendId)));
    const report = await campaignReport({ sendRecords: records }, shop, 'small');
    expect(report.arms.treated).toMatchObject({ customers: 40, converters: 40 });
    expect(report.arms.holdout).toMatchObject({ customers: 35, converters: 5 });
    const page = await browser.newPage();
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/v1/campaigns/small/report.html`);
    expect(await page.getAttribute('[data-verdict]', 'data-verdict')).toBe('insufficient-data');
    expect(await page.textContent('[data-verdict]')).toBe('Not enough data yet');
    expect(await page.textContent('[data-key="incremental"] td.n')).toContain('(not enough data)');
  });
});
