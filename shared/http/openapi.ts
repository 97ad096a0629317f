import { z } from 'zod';
import { shopEventSchema } from '../domain/customers/events.js';
import { traitsSchema } from '../domain/customers/traits.js';

const error = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: { index: { type: 'integer' }, path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const problems = {
  '400': {
    description: 'Invalid input: every problem with its field path',
    content: { 'application/json': { schema: error } },
  },
  '401': { description: 'Missing or invalid API key' },
  '429': { description: 'Rate limited; see Retry-After' },
};

/** The API's OpenAPI 3.1 document; request schemas come from the same zod schemas the handlers use. */
export function openApiDocument(): Record<string, unknown> {
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });
  return {
    openapi: '3.1.0',
    info: {
      title: 'huitou API',
      version: '1',
      description: 'Customers and events of one shop, authenticated by its API key.',
    },
    components: {
      securitySchemes: {
        shopKey: { type: 'http', scheme: 'bearer', description: 'A shop API key (hk_…)' },
        writeKey: {
          type: 'http',
          scheme: 'basic',
          description:
            'Segment-style: the shop API key as user name, any password. A `writeKey` field in the JSON body also works when no Authorization header is sent.',
        },
      },
      schemas: { Event: schema(shopEventSchema), CustomerTraits: schema(traitsSchema), Error: error },
    },
    security: [{ shopKey: [] }],
    paths: {
      '/v1/health': { get: { security: [], responses: { '200': { description: 'Alive' } } } },
      '/v1/events': {
        post: {
          summary: 'Send up to 100 events (1 MB); each id is an idempotency key',
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['events'],
                  properties: {
                    events: { type: 'array', maxItems: 100, items: { $ref: '#/components/schemas/Event' } },
                  },
                },
              },
            },
          },
          responses: { '202': { description: 'Counts of accepted and duplicate events' }, ...problems },
        },
      },
      '/v1/segment/{kind}': {
        post: {
          summary: 'Segment tracking spec intake: kind is identify, track, page or batch',
          security: [{ shopKey: [] }, { writeKey: [] }],
          parameters: [
            {
              name: 'kind',
              in: 'path',
              required: true,
              schema: { enum: ['identify', 'track', 'page', 'batch'] },
            },
          ],
          responses: {
            '200': { description: 'Counts of accepted, duplicate, identified and ignored messages' },
            ...problems,
          },
        },
      },
      '/v1/customers/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        put: {
          summary: 'Set a customer’s traits; phone and email link (and may merge) customers',
          requestBody: {
            content: { 'application/json': { schema: { $ref: '#/components/schemas/CustomerTraits' } } },
          },
          responses: { '200': { description: 'The customer id and traits' }, ...problems },
        },
        get: {
          summary: 'Traits, stats, tier, segments and recent events',
          responses: {
            '200': { description: 'The customer' },
            '404': { description: 'No such customer in this shop' },
          },
        },
        delete: {
          summary: 'Erase: PII and events go, an anonymous tombstone keeps aggregates',
          responses: {
            '204': { description: 'Erased' },
            '404': { description: 'No such customer in this shop' },
          },
        },
      },
    },
  };
}
