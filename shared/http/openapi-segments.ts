import { errorResponses, jsonOf } from './openapi-parts.js';

/** Segments, audiences and predictions. */
export const segmentTags = [
  { name: 'segments', description: 'Built-in and custom segments, their members, discovery' },
];

export const segmentPaths = {
  '/v1/segments/{id}/members': {
    get: {
      operationId: 'listSegmentMembers',
      summary: 'A page of a segment’s members',
      description:
        'Built-in (e.g. `rfm:champions`, `lifecycle:dormant`, `gold`) or custom segment ids, as of the ' +
        'latest nightly refresh. Reads only the members returned.',
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
