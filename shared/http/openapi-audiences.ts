import { errorResponses, jsonOf } from './openapi-parts.js';

/** Audiences: customers chosen for an activity, read in proportion to their number. */
export const audienceTags = [
  {
    name: 'audiences',
    description: 'Customers an activity fits, such as an offer just above their usual basket',
  },
];

const money = (description: string) => ({ type: 'number', exclusiveMinimum: 0, description });

export const audiencePaths = {
  '/v1/audiences/offer-fit': {
    get: {
      operationId: 'getOfferFitAudience',
      summary: 'Customers whose usual basket lies just under an offer’s threshold',
      description:
        'Give a free-shipping threshold or "spend X, get Y" tiers, exactly one. A customer fits a threshold ' +
        'when their average order value is at least `lowerShare` of it and below it; with tiers, each ' +
        'customer goes to the lowest tier above their average order value, if within reach, and customers ' +
        'at or above the top threshold are left out (they already get the best reward). Only customers ' +
        'with a paid order, marketing consent on the channel, a contact on it and no suppression. ' +
        'Reads in proportion to the audience. Money in currency units.',
      tags: ['audiences'],
      parameters: [
        {
          name: 'freeShippingThreshold',
          in: 'query',
          description: 'Order value from which shipping is free, e.g. 80',
          schema: money('Currency units, at most two decimals'),
        },
        {
          name: 'tiers',
          in: 'query',
          description:
            'threshold:reward pairs, e.g. `100:3,150:5` (3 off from 100, 5 off from 150); up to 10',
          schema: {
            type: 'string',
            pattern: '^\\d+(\\.\\d{1,2})?:\\d+(\\.\\d{1,2})?(,\\d+(\\.\\d{1,2})?:\\d+(\\.\\d{1,2})?)*$',
          },
        },
        {
          name: 'lowerShare',
          in: 'query',
          description: 'The share of a threshold from which a customer is within reach',
          schema: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.6 },
        },
        {
          name: 'channel',
          in: 'query',
          description:
            'The channel the offer goes out on: consent, contact and suppression are checked on it',
          schema: { type: 'string', enum: ['email', 'sms'], default: 'email' },
        },
        {
          name: 'limit',
          in: 'query',
          description:
            'At most this many customers in the page (a page may hold fewer while a cursor follows)',
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 },
        },
        { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'From the previous page' },
      ],
      responses: {
        '200': {
          description:
            'The offer as understood, a page of customers nearest the threshold first, and a cursor while there are more',
          content: jsonOf({
            type: 'object',
            required: ['offer', 'customers', 'count', 'readUnits'],
            properties: {
              offer: {
                type: 'object',
                description: 'The offer asked for (tiers by threshold), with lowerShare and channel',
              },
              customers: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['customerId', 'averageOrderValue', 'threshold', 'gap'],
                  properties: {
                    customerId: { type: 'string' },
                    averageOrderValue: { type: 'number' },
                    threshold: { type: 'number', description: 'The threshold the customer fits' },
                    reward: { type: 'number', description: 'That tier’s reward; absent for free shipping' },
                    gap: { type: 'number', description: 'threshold − averageOrderValue' },
                  },
                },
              },
              count: { type: 'integer', minimum: 0, description: 'Customers in this page' },
              cursor: { type: 'string' },
              readUnits: {
                type: 'number',
                minimum: 0,
                description: 'Read capacity units the page consumed, as DynamoDB reports them',
              },
            },
          }),
        },
        ...errorResponses(400, 401, 429),
      },
    },
  },
};
