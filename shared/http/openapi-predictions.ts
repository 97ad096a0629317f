import { z } from 'zod';
import { backtestPeriodSchema } from '../domain/segments/predictions/backtest.js';
import { errorResponses, jsonOf, ref } from './openapi-parts.js';

/** The repurchase model and its backtest. */
export const predictionTags = [
  {
    name: 'predictions',
    description: 'The shop’s repurchase model (BG/NBD and Gamma-Gamma, or the median-interval fallback)',
  },
];

const number = (description: string) => ({ type: 'number', description });
const bgnbdParams = {
  type: 'object',
  description: 'BG/NBD parameters (Fader, Hardie & Lee 2005), α in days',
  required: ['r', 'alpha', 'a', 'b'],
  properties: {
    r: number('Shape of the purchase rates across customers'),
    alpha: number('Scale of the purchase rates, in days'),
    a: number('Beta shape of the dropout probability'),
    b: number('Beta shape of the dropout probability'),
  },
};
const method = {
  type: 'string',
  enum: ['bgnbd', 'median-interval'],
  description:
    'The BG/NBD where it could be fitted reliably, else each customer’s or the shop’s median interval',
};

const model = {
  type: 'object',
  required: ['method', 'asOf', 'customersUsed', 'repeatBuyers', 'shopMedianIntervalDays', 'fitMillis'],
  properties: {
    method,
    fallbackReason: { type: 'string', description: 'Why the BG/NBD was not used' },
    asOf: { type: 'string', format: 'date-time', description: 'Orders up to here were fitted' },
    params: { ...bgnbdParams, description: 'Also given when rejected, for diagnosis' },
    standardErrors: { ...bgnbdParams, description: 'From the numerical Hessian; Infinity where not defined' },
    logLikelihood: { type: 'number' },
    spend: {
      type: 'object',
      description: 'The Gamma-Gamma spend model (p, q, γ in minor units), when fitted and usable',
    },
    spendFallbackReason: { type: 'string' },
    customersUsed: { type: 'integer', minimum: 0, description: 'Customers with a paid order by asOf' },
    repeatBuyers: { type: 'integer', minimum: 0 },
    shopMedianIntervalDays: { type: ['number', 'null'] },
    monthlyDiscountRate: { type: 'number' },
    fitMillis: { type: 'number', description: 'Time the fit took' },
  },
};

const row = {
  type: 'object',
  required: ['customers', 'predicted', 'actual', 'predictedMean', 'actualMean'],
  properties: {
    customers: { type: 'integer', minimum: 0 },
    predicted: number('Repeat purchase occasions expected in the holdout period'),
    actual: { type: 'integer', minimum: 0, description: 'Repeat purchase occasions that happened in it' },
    predictedMean: { type: ['number', 'null'], description: 'Per customer; null without customers' },
    actualMean: { type: ['number', 'null'] },
  },
};

const backtestReport = {
  type: 'object',
  required: [
    'calibrationEnd',
    'holdoutEnd',
    'holdoutDays',
    'method',
    'customersUsed',
    'repeatBuyers',
    'buckets',
    'total',
  ],
  properties: {
    calibrationEnd: { type: 'string', format: 'date-time' },
    holdoutEnd: { type: 'string', format: 'date-time' },
    holdoutDays: { type: 'integer' },
    method,
    fallbackReason: { type: 'string' },
    params: bgnbdParams,
    logLikelihood: { type: 'number' },
    customersUsed: {
      type: 'integer',
      minimum: 0,
      description: 'Customers with a paid order by calibrationEnd',
    },
    repeatBuyers: { type: 'integer', minimum: 0 },
    buckets: {
      type: 'array',
      description: 'By repeat occasions in the calibration period: 0 … 6, 7+',
      items: {
        allOf: [row, { type: 'object', required: ['x'], properties: { x: { type: 'string' } } }],
      },
    },
    total: row,
  },
};

const { $schema: _, ...backtestBody } = z.toJSONSchema(backtestPeriodSchema, {
  unrepresentable: 'any',
  io: 'input',
});

export const predictionPaths = {
  '/v1/predictions/model': {
    get: {
      operationId: 'getPredictionModel',
      summary: 'The shop’s fitted repurchase model',
      description:
        'Parameters, standard errors, log-likelihood, customers used, method and fit time, as of the ' +
        'latest nightly refresh. Customers’ own predictions are in GET /v1/customers/{id}.',
      tags: ['predictions'],
      responses: {
        '200': { description: 'The model', content: jsonOf(model) },
        ...errorResponses(401),
        '404': {
          description: 'No model yet: the nightly refresh fits it',
          content: jsonOf(ref('schemas', 'Error')),
        },
        ...errorResponses(429),
      },
    },
  },
  '/v1/predictions/backtest': {
    post: {
      operationId: 'postPredictionBacktest',
      summary: 'Fit on orders up to calibrationEnd, compare predictions with what followed',
      description:
        'Predicted against actual repeat purchase occasions in (calibrationEnd, holdoutEnd], per number ' +
        'of repeat occasions in the calibration period and in total: whether to trust the numbers. ' +
        'Purchases on one day are one occasion. Reads every customer of the shop.',
      tags: ['predictions'],
      requestBody: { required: true, content: jsonOf(backtestBody) },
      responses: {
        '200': {
          description: 'Predicted and actual, by bucket and in total',
          content: jsonOf(backtestReport),
        },
        ...errorResponses(400, 401, 413, 429),
      },
    },
  },
};
