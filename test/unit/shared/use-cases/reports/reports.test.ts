import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { reportRoutes } from '../../../../../functions/api/routes/reports.js';
import { sendReport } from '../../../../../shared/domain/reports/report.js';
import { router } from '../../../../../shared/http/router.js';
import {
  campaignReport,
  reportPageSize,
  shopOverview,
} from '../../../../../shared/use-cases/reports/reports.js';
import { FakeSendRecords, sendRecord } from '../../../../support/fakes/send-records.js';
import { liftCampaign } from '../../../../support/report-fixture.js';
import { teaShop } from '../../../../support/shop-events.js';

const shop = teaShop();

function get(path: string, query: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    queryStringParameters: query,
    requestContext: { http: { method: 'GET' } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('campaign reports', () => {
  it('reads every page of the campaign, withheld records included', async () => {
    const records = new FakeSendRecords().put(...liftCampaign());
    const report = await campaignReport({ sendRecords: records }, shop, 'double-11', 7);
    expect(records.pagesRead).toBe(Math.ceil(1270 / reportPageSize));
    expect(report.records).toBe(1270);
    expect(report).toEqual({
      campaignId: 'double-11',
      currency: 'CNY',
      ...sendReport(liftCampaign(), { timeZone: shop.timeZone, currency: 'CNY', usdRate: 7 }),
    });
    expect(report.verdict).toBe('lift');
  });

  it('answers 404 for a campaign without sends, and 400 for a bad rate', async () => {
    const handle = router(
      reportRoutes({ sendRecords: new FakeSendRecords().put(...liftCampaign()), sources: async () => [] }),
      async () => ({ shop }),
    );
    await expect(handle(get('/v1/campaigns/nope/report'))).rejects.toThrow('not found');
    await expect(handle(get('/v1/campaigns/double-11/report', { usdRate: '-1' }))).rejects.toThrow('Invalid');
  });

  it('serves the page as HTML that needs nothing else', async () => {
    const handle = router(
      reportRoutes({ sendRecords: new FakeSendRecords().put(...liftCampaign()), sources: async () => [] }),
      async () => ({ shop }),
    );
    const page = await handle(get('/v1/campaigns/double-11/report.html', { usdRate: '7' }));
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('data-chart="funnel"');
    expect(page.body).not.toMatch(/<script|https?:\/\//);
  });
});

describe('shopOverview', () => {
  it('takes each journey step as a unit against its own holdout', async () => {
    const journey = { kind: 'journey' as const, journeyId: 'j1' };
    const at = '2026-11-03T02:00:00.000Z';
    const conversion = (orderId: string, revenue: number) => ({
      orderId,
      revenue,
      at,
      by: 'window' as const,
    });
    const step = (sendId: string, customerId: string, name: string, extra: object = {}) =>
      sendRecord({ sendId, customerId, source: journey, step: name, requestedAt: at, ...extra });
    const records = new FakeSendRecords().put(
      // Step a: 30 a treated customer against 0 held out, over 1 customer: +30.
      step('a1', 'x', 'a', { conversion: conversion('o1', 30) }),
      step('a2', 'y', 'a', { withheld: 'held-out' }),
      // Step b: 0 against 10, over 3 customers: −30.
      step('b1', 'p', 'b'),
      step('b2', 'q', 'b'),
      step('b3', 'r', 'b'),
      step('b4', 's', 'b', { withheld: 'held-out', conversion: conversion('o2', 10) }),
    );
    const overview = await shopOverview({ sendRecords: records, sources: async () => [journey] }, shop);
    // Pooled as one unit it would read 7.5 against 5, over 4: +10. Step by step it is +30 − 30.
    expect(overview.weeks).toEqual([
      {
        week: '2026-11-02',
        sends: 4,
        costUsd: 0,
        attributedRevenue: 0,
        incrementalRevenue: 0,
        notEnoughData: true,
      },
    ]);
  });
});
