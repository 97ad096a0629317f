import { errorResponses, jsonOf, ref } from './openapi-parts.js';

/** Reports: what campaigns and journeys brought, against their holdouts. */
export const reportTags = [
  {
    name: 'reports',
    description:
      'What sending brought: the funnel, cost, revenue credited to sends, and the lift over each holdout',
  },
];

const count = { type: 'integer', minimum: 0 };
const interval = {
  type: 'object',
  required: ['low', 'high'],
  properties: { low: { type: 'number' }, high: { type: 'number' } },
};
const reasons = {
  type: 'array',
  items: { type: 'object', required: ['reason', 'count'], properties: { reason: { type: 'string' }, count } },
};
const arm = {
  type: 'object',
  required: ['customers', 'converters', 'orders', 'revenue', 'revenueSquares'],
  properties: {
    customers: count,
    converters: { ...count, description: 'Customers with an order within the window' },
    orders: count,
    revenue: { type: 'number', description: 'Shop currency units' },
    revenueSquares: { type: 'number', description: 'Each customer’s revenue squared, summed' },
  },
};

const sendReport = {
  type: 'object',
  required: ['records', 'funnel', 'withheld', 'skipped', 'undelivered', 'cost', 'revenue', 'arms', 'lift'],
  properties: {
    records: count,
    funnel: {
      type: 'object',
      description: 'Sends that reached each stage; converted: sends an order was credited to',
      required: ['sent', 'delivered', 'opened', 'clicked', 'converted'],
      properties: { sent: count, delivered: count, opened: count, clicked: count, converted: count },
    },
    withheld: { ...reasons, description: 'Records never sent, by reason (held-out is the holdout)' },
    skipped: {
      ...reasons,
      description: 'Requests the sender skipped, by reason (no consent, suppressed, paused)',
    },
    undelivered: { ...reasons, description: 'Sends that did not arrive, by status' },
    cost: {
      type: 'object',
      required: ['usd', 'shopCurrency'],
      properties: {
        usd: { type: 'number', description: 'SES/SNS price of the sends' },
        shopCurrency: {
          type: ['number', 'null'],
          description: 'At usdRate (1 for a USD shop); null otherwise',
        },
      },
    },
    revenue: {
      type: 'object',
      required: ['attributedOrders', 'attributed', 'incremental', 'incrementalCi95'],
      properties: {
        attributedOrders: count,
        attributed: {
          type: 'number',
          description: 'Revenue of the orders credited to a send (coupon or touch)',
        },
        incremental: {
          type: ['number', 'null'],
          description: 'Beyond what the holdout predicts; null without one',
        },
        incrementalCi95: { oneOf: [interval, { type: 'null' }] },
      },
    },
    arms: { type: 'object', properties: { treated: arm, holdout: arm } },
    lift: {
      type: ['object', 'null'],
      description:
        'Treated against holdout: conversion (two-proportion z, Wald interval) and revenue per customer ' +
        '(Welch t), incremental orders and revenue, ROI; null when an arm is empty',
    },
    verdict: { type: 'string', enum: ['no-holdout', 'insufficient-data', 'lift', 'no-difference', 'drop'] },
    label: {
      type: 'string',
      description: 'The verdict in words; a small sample reads "Not enough data yet"',
    },
    roi: { type: ['number', 'null'], description: '(incremental revenue − cost) / cost' },
    daily: {
      type: 'array',
      description: 'By the shop’s day: sends, and orders credited with their revenue',
      items: {
        type: 'object',
        required: ['day', 'sent', 'conversions', 'revenue'],
        properties: {
          day: { type: 'string', format: 'date' },
          sent: count,
          conversions: count,
          revenue: { type: 'number' },
        },
      },
    },
  },
};

export const reportSchemas = {
  SendReport: sendReport,
  CampaignReport: {
    allOf: [
      ref('schemas', 'SendReport'),
      {
        type: 'object',
        required: ['campaignId', 'currency'],
        properties: { campaignId: { type: 'string' }, currency: { type: 'string' } },
      },
    ],
  },
  JourneyReport: {
    type: 'object',
    required: ['journeyId', 'currency', 'total', 'steps'],
    properties: {
      journeyId: { type: 'string' },
      currency: { type: 'string' },
      total: ref('schemas', 'SendReport'),
      steps: {
        type: 'array',
        items: {
          type: 'object',
          required: ['step', 'report'],
          properties: { step: { type: 'string' }, report: ref('schemas', 'SendReport') },
        },
      },
    },
  },
  Overview: {
    type: 'object',
    required: ['currency', 'weeks'],
    properties: {
      currency: { type: 'string' },
      weeks: {
        type: 'array',
        items: {
          type: 'object',
          required: ['week', 'sends', 'costUsd', 'attributedRevenue', 'incrementalRevenue', 'notEnoughData'],
          properties: {
            week: { type: 'string', format: 'date', description: 'The Monday starting the shop’s week' },
            sends: count,
            costUsd: { type: 'number' },
            attributedRevenue: { type: 'number' },
            incrementalRevenue: { type: ['number', 'null'], description: 'Summed over units with a holdout' },
            notEnoughData: { type: 'boolean' },
          },
        },
      },
    },
  },
};

const idParameter = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${what}’s id`,
  schema: { type: 'string', minLength: 1, maxLength: 128 },
});
const usdRate = {
  name: 'usdRate',
  in: 'query',
  description: 'Shop currency units per US dollar, to weigh the send cost against revenue (ROI)',
  schema: { type: 'number', exclusiveMinimum: 0 },
};
const htmlPage = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});

function unitPaths(kind: 'campaign' | 'journey', schema: string) {
  const plural = `${kind}s`;
  const name = kind === 'campaign' ? 'Campaign' : 'Journey';
  const what = kind === 'campaign' ? 'the campaign' : 'the journey, whole and step by step';
  return {
    [`/v1/${plural}/{id}/report`]: {
      get: {
        operationId: `get${name}Report`,
        summary: `What ${what} brought, against the holdout`,
        tags: ['reports'],
        parameters: [idParameter(kind), usdRate],
        responses: {
          '200': { description: `The report of ${what}`, content: jsonOf(ref('schemas', schema)) },
          ...errorResponses(400, 401, 404, 429),
        },
      },
    },
    [`/v1/${plural}/{id}/report.html`]: {
      get: {
        operationId: `get${name}ReportPage`,
        summary: `The ${kind} report as a page with charts`,
        tags: ['reports'],
        parameters: [idParameter(kind), usdRate],
        responses: {
          '200': htmlPage('A self-contained HTML page (inline SVG charts, no script)'),
          ...errorResponses(400, 401, 404, 429),
        },
      },
    },
  };
}

export const reportPaths = {
  ...unitPaths('campaign', 'CampaignReport'),
  ...unitPaths('journey', 'JourneyReport'),
  '/v1/reports/overview': {
    get: {
      operationId: 'getReportsOverview',
      summary: 'The shop’s sending by week: sends, cost, credited and incremental revenue',
      tags: ['reports'],
      responses: {
        '200': { description: 'Week by week', content: jsonOf(ref('schemas', 'Overview')) },
        ...errorResponses(401, 429),
      },
    },
  },
  '/v1/reports/overview.html': {
    get: {
      operationId: 'getReportsOverviewPage',
      summary: 'The shop overview as a page with charts',
      tags: ['reports'],
      responses: {
        '200': htmlPage('A self-contained HTML page (inline SVG charts, no script)'),
        ...errorResponses(401, 429),
      },
    },
  },
};
