import { z } from 'zod';
import { journeyPage, overviewPage, reportPage } from '../../../shared/domain/reports/html.js';
import type { HttpResult } from '../../../shared/http/responses.js';
import { json, parseBody } from '../../../shared/http/responses.js';
import {
  campaignReport,
  journeyReportOf,
  type ReportDeps,
  shopOverview,
} from '../../../shared/use-cases/reports/reports.js';
import type { ApiRoute } from '../context.js';

const idSchema = z.string().min(1).max(128);
const querySchema = z.object({
  /** Shop currency units per US dollar, to weigh the send cost (USD) against revenue. */
  usdRate: z.coerce.number().positive().max(1e6).optional(),
});

/** A page that needs nothing from anywhere: inline styles and SVG, no script. */
function html(body: string): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body,
  };
}

const id = (params: Record<string, string>) => parseBody(idSchema, params.id);
const usdRate = (query: Record<string, string | undefined> | undefined) =>
  parseBody(querySchema, query ?? {}).usdRate;

/** Reports: what campaigns and journeys brought, against their holdouts; JSON and a page with charts. */
export function reportRoutes(deps: ReportDeps): ApiRoute[] {
  const campaign = (
    shop: Parameters<typeof campaignReport>[1],
    ctx: { params: Record<string, string>; query?: Record<string, string | undefined> },
  ) => campaignReport(deps, shop, id(ctx.params), usdRate(ctx.query));
  const journey = (
    shop: Parameters<typeof journeyReportOf>[1],
    ctx: { params: Record<string, string>; query?: Record<string, string | undefined> },
  ) => journeyReportOf(deps, shop, id(ctx.params), usdRate(ctx.query));
  return [
    {
      method: 'GET',
      path: '/v1/campaigns/{id}/report',
      run: async ({ shop, params, event }) =>
        json(200, await campaign(shop, { params, query: event.queryStringParameters })),
    },
    {
      method: 'GET',
      path: '/v1/campaigns/{id}/report.html',
      run: async ({ shop, params, event }) => {
        const report = await campaign(shop, { params, query: event.queryStringParameters });
        return html(reportPage(`Campaign ${report.campaignId}`, report, report.currency));
      },
    },
    {
      method: 'GET',
      path: '/v1/journeys/{id}/report',
      run: async ({ shop, params, event }) =>
        json(200, await journey(shop, { params, query: event.queryStringParameters })),
    },
    {
      method: 'GET',
      path: '/v1/journeys/{id}/report.html',
      run: async ({ shop, params, event }) => {
        const report = await journey(shop, { params, query: event.queryStringParameters });
        return html(journeyPage(`Journey ${report.journeyId}`, report, report.currency));
      },
    },
    {
      method: 'GET',
      path: '/v1/reports/overview',
      run: async ({ shop }) => json(200, await shopOverview(deps, shop)),
    },
    {
      method: 'GET',
      path: '/v1/reports/overview.html',
      run: async ({ shop }) => {
        const overview = await shopOverview(deps, shop);
        return html(overviewPage(`${shop.name}: sending by week`, overview.weeks, overview.currency));
      },
    },
  ];
}
