import { z } from 'zod';
import { segmentRuleSchema } from '../domain/segments/rules.js';
import { previewSchema } from '../use-cases/segments/preview-segment.js';
import { newSegmentSchema, segmentUpdateSchema } from '../use-cases/segments/segment-definitions.js';
import { errorResponses, jsonOf, ref } from './openapi-parts.js';

/** Segments, audiences and predictions. */
export const segmentTags = [
  { name: 'segments', description: 'Built-in and custom segments, their members, discovery' },
];

const ruleRef = '#/components/schemas/SegmentRule';

/**
 * A zod schema as JSON Schema, its recursive rule pointing at the SegmentRule component: zod writes
 * the recursion as `#` (the rule itself) or `#/$defs/…` (a rule inside a body), neither of which
 * means anything inside an OpenAPI document.
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema, $defs, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
  const text = JSON.stringify(rest).replace(/"\$ref":"#(\/\$defs\/[^"]+)?"/g, `"$ref":"${ruleRef}"`);
  return JSON.parse(text) as Record<string, unknown>;
}

export const segmentSchemas = {
  SegmentRule: {
    ...jsonSchemaOf(segmentRuleSchema),
    description:
      'A rule of the segment language, by `kind` (see the segments README): all/any/not, trait, tag, ' +
      'consent, stat (money in currency units), rfm-cell, rfm-score, lifecycle, activity, gold, ' +
      'price-sensitive, sale-day-one-timer, interested, event, segment (custom, built-in or discover: id).',
  },
  SegmentDefinition: {
    type: 'object',
    required: ['id', 'name', 'rule', 'createdAt', 'updatedAt', 'version'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      rule: ref('schemas', 'SegmentRule'),
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      version: { type: 'integer', minimum: 1, description: 'Bumped on every change; send it back with PUT' },
    },
  },
};

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'A custom segment id',
  schema: { type: 'string' },
};
const segmentError = (description: string) => ({ description, content: jsonOf(ref('schemas', 'Error')) });
const notFound = { '404': segmentError('No custom segment with this id in this shop') };
const ratio = (description: string) => ({ type: 'number', minimum: 0, maximum: 1, description });
const nullableCount = (description: string) => ({ type: ['integer', 'null'], minimum: 0, description });

export const segmentPaths = {
  '/v1/segments': {
    get: {
      operationId: 'listSegments',
      summary: 'The shop’s custom segments and the built-in ones, with member counts',
      description:
        'Counts are those of the latest nightly refresh (null before the first, and for a custom ' +
        'segment changed since). Built-ins: RFM cells, lifecycle stages, activity levels, gold, price ' +
        'sensitivity, the interests customers have, and the discovery groups (`discover:` ids).',
      tags: ['segments'],
      responses: {
        '200': {
          description: 'Custom and built-in segments',
          content: jsonOf({
            type: 'object',
            required: ['refreshedAt', 'custom', 'builtIn'],
            properties: {
              refreshedAt: { type: ['string', 'null'], format: 'date-time' },
              custom: {
                type: 'array',
                items: {
                  allOf: [
                    ref('schemas', 'SegmentDefinition'),
                    {
                      type: 'object',
                      required: ['members'],
                      properties: { members: nullableCount('Members at the latest refresh') },
                    },
                  ],
                },
              },
              builtIn: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'members'],
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    members: nullableCount('Members at the latest refresh'),
                  },
                },
              },
            },
          }),
        },
        ...errorResponses(401, 429),
      },
    },
    post: {
      operationId: 'createSegment',
      summary: 'Save a custom segment',
      description:
        'The id is made from the name when none is given. The rule is validated with the shop’s other ' +
        'segments: shape, unknown segment references and cycles are 400s with their paths ' +
        '(`rule.rules.1.id`). Members appear after the next nightly refresh.',
      tags: ['segments'],
      requestBody: { required: true, content: jsonOf(jsonSchemaOf(newSegmentSchema)) },
      responses: {
        '201': { description: 'Saved, at version 1', content: jsonOf(ref('schemas', 'SegmentDefinition')) },
        '409': segmentError('A segment with this id exists'),
        ...errorResponses(400, 401, 413, 429),
      },
    },
  },
  '/v1/segments/preview': {
    post: {
      operationId: 'previewSegment',
      summary: 'What a rule would select now, before it is saved',
      description:
        'Validated as a save is, then run with the shop’s segments over **every live customer of the ' +
        'shop**: it reads the whole shop, so it takes time and read capacity in proportion to the shop. ' +
        'Rules on P(alive) or the predicted next order hold for no one in a preview (the repurchase ' +
        'model is applied by the nightly refresh).',
      tags: ['segments'],
      requestBody: { required: true, content: jsonOf(jsonSchemaOf(previewSchema)) },
      responses: {
        '200': {
          description: 'The size, its share of customers, its revenue and a sample of members',
          content: jsonOf({
            type: 'object',
            required: ['asOf', 'customers', 'size', 'shareOfCustomers', 'revenue', 'sample'],
            properties: {
              asOf: { type: 'string', format: 'date-time' },
              customers: { type: 'integer', minimum: 0, description: 'Live customers read' },
              size: { type: 'integer', minimum: 0 },
              shareOfCustomers: ratio('size / customers'),
              revenue: { type: 'number', description: 'Members’ net revenue, currency units' },
              sample: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['customerId', 'paidOrderCount', 'totalSpend', 'lifecycle', 'activity'],
                  properties: {
                    customerId: { type: 'string' },
                    paidOrderCount: { type: 'integer', minimum: 0 },
                    totalSpend: { type: 'number', description: 'Currency units' },
                    daysSinceLastOrder: { type: ['integer', 'null'] },
                    rfmCell: { type: ['string', 'null'] },
                    lifecycle: { type: 'string' },
                    activity: { type: 'string' },
                  },
                },
              },
            },
          }),
        },
        ...errorResponses(400, 401, 413, 429),
      },
    },
  },
  '/v1/segments/discover': {
    get: {
      operationId: 'discoverSegments',
      summary: 'Groups the shop has, each with a suggested activity',
      description:
        'From the latest nightly refresh: dormant gold customers, lapsed loyal ones, big spenders in ' +
        'their honeymoon, next orders due within 7 days, unpaid orders, open carts, price-sensitive ' +
        'one-timers and more; groups without members are left out. The most revenue at stake first. ' +
        'Before the first refresh: no groups and a note. Members: `/v1/segments/{id}/members`.',
      tags: ['segments'],
      responses: {
        '200': {
          description: 'The groups',
          content: jsonOf({
            type: 'object',
            required: ['asOf', 'previousAsOf', 'groups'],
            properties: {
              asOf: { type: ['string', 'null'], format: 'date-time' },
              previousAsOf: { type: ['string', 'null'], format: 'date-time' },
              note: { type: 'string' },
              groups: {
                type: 'array',
                items: {
                  type: 'object',
                  required: [
                    'id',
                    'title',
                    'suggestion',
                    'size',
                    'shareOfCustomers',
                    'revenue',
                    'revenueShare',
                    'averageOrderValue',
                    'previousSize',
                    'sizeChange',
                  ],
                  properties: {
                    id: { type: 'string', description: 'A `discover:` segment id' },
                    title: { type: 'string' },
                    suggestion: { type: 'string', description: 'The activity the group calls for' },
                    size: { type: 'integer', minimum: 1 },
                    shareOfCustomers: ratio('size / the shop’s customers'),
                    revenue: { type: 'number', description: 'Members’ net revenue, currency units' },
                    revenueShare: ratio('revenue / the shop’s net revenue'),
                    averageOrderValue: {
                      type: ['number', 'null'],
                      description: 'revenue / members’ paid orders; null without any',
                    },
                    previousSize: nullableCount('Size at the previous refresh'),
                    sizeChange: { type: ['integer', 'null'], description: 'size − previousSize' },
                  },
                },
              },
            },
          }),
        },
        ...errorResponses(401, 429),
      },
    },
  },
  '/v1/segments/{id}': {
    get: {
      operationId: 'getSegment',
      summary: 'A custom segment',
      tags: ['segments'],
      parameters: [idParameter],
      responses: {
        '200': { description: 'The segment', content: jsonOf(ref('schemas', 'SegmentDefinition')) },
        ...notFound,
        ...errorResponses(401, 429),
      },
    },
    put: {
      operationId: 'updateSegment',
      summary: 'Replace a custom segment',
      description:
        'Validated as a save is. Send the `version` read: if the segment changed since, the answer is ' +
        '409 and nothing is written.',
      tags: ['segments'],
      parameters: [idParameter],
      requestBody: { required: true, content: jsonOf(jsonSchemaOf(segmentUpdateSchema)) },
      responses: {
        '200': {
          description: 'Saved, at the next version',
          content: jsonOf(ref('schemas', 'SegmentDefinition')),
        },
        ...notFound,
        '409': segmentError('The segment changed since the version sent'),
        ...errorResponses(400, 401, 413, 429),
      },
    },
    delete: {
      operationId: 'deleteSegment',
      summary: 'Delete a custom segment',
      tags: ['segments'],
      parameters: [idParameter],
      responses: {
        '204': { description: 'Deleted' },
        ...notFound,
        '409': segmentError('Another segment refers to it: change or delete that one first'),
        ...errorResponses(401, 429),
      },
    },
  },
  '/v1/segments/{id}/members': {
    get: {
      operationId: 'listSegmentMembers',
      summary: 'A page of a segment’s members',
      description:
        'Built-in (e.g. `rfm:champions`, `lifecycle:dormant`, `gold`, `discover:due-soon`) or custom ' +
        'segment ids, as of the latest nightly refresh. Reads only the members returned.',
      tags: ['segments'],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'From the previous page' },
      ],
      responses: {
        '200': {
          description: 'Customer ids, and a cursor while there are more',
          content: jsonOf({
            type: 'object',
            required: ['segmentId', 'customerIds'],
            properties: {
              segmentId: { type: 'string' },
              customerIds: { type: 'array', items: { type: 'string' } },
              cursor: { type: 'string' },
            },
          }),
        },
        ...errorResponses(400, 401, 429),
      },
    },
  },
};
