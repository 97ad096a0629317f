import { z } from 'zod';
import { shopEventSchema } from '../domain/customers/events.js';
import { customerIdSchema, traitsSchema } from '../domain/customers/traits.js';

import { audiencePaths, audienceTags } from './openapi-audiences.js';
import { campaignPaths, campaignSchemas, campaignTags } from './openapi-campaigns.js';
import { couponPaths, couponSchemas, couponTags } from './openapi-coupons.js';
import { journeyPaths, journeySchemas, journeyTags } from './openapi-journeys.js';
import { jsonOf, ref } from './openapi-parts.js';
import { predictionPaths, predictionTags } from './openapi-predictions.js';
import { reportPaths, reportSchemas, reportTags } from './openapi-reports.js';
import { segmentPaths, segmentSchemas, segmentTags } from './openapi-segments.js';
import { sendingPaths, sendingTags } from './openapi-sending.js';
import { settingsPaths, settingsSchemas, settingsTags } from './openapi-settings.js';
import { templatePaths, templateSchemas, templateTags } from './openapi-templates.js';

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'string',
      description:
        'A stable code: invalid_request, unauthorized, not_found, conflict, payload_too_large, rate_limited',
    },
    message: { type: 'string' },
    issues: {
      type: 'array',
      description: 'On 400: every problem, with the index of the batch item it is in, if any',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { index: { type: 'integer' }, path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const counts = (names: Record<string, string>) => ({
  type: 'object',
  required: Object.keys(names),
  properties: Object.fromEntries(
    Object.entries(names).map(([name, description]) => [name, { type: 'integer', minimum: 0, description }]),
  ),
});

const customer = {
  type: 'object',
  required: [
    'customerId',
    'createdAt',
    'traits',
    'stats',
    'tier',
    'segments',
    'mergedFrom',
    'cart',
    'recentEvents',
  ],
  properties: {
    customerId: {
      type: 'string',
      description: 'The live customer: the survivor when the id asked for was merged',
    },
    createdAt: { type: 'string', format: 'date-time' },
    traits: {
      type: 'object',
      description:
        'The traits as set (phone in E.164, email lower-cased); consent also follows unsubscribe events, ' +
        'and `suppressed` channels follow bounces and complaints',
    },
    stats: {
      type: 'object',
      description:
        'Kept from the events: paidOrderCount, totalSpend (net of refunds), averageOrderValue, ' +
        'first/lastOrderAt, purchaseDays (days with a paid order), orderIntervalsDays and ' +
        'medianOrderIntervalDays (over the latest orders), lastSeenAt, unpaidOrderIds, couponsUsed, ' +
        'discountedOrderCount. Money in currency units, as it was sent (80.5 means 80.50).',
    },
    tier: { type: ['string', 'null'] },
    segments: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Built-in and custom segments as of the latest nightly refresh; live custom segments (on the ' +
        'customer’s own facts) as of the latest event',
    },
    predictions: {
      type: ['object', 'null'],
      description:
        'From the shop’s repurchase model (null before the first refresh or the first paid order): ' +
        'method (bgnbd or median-interval), pAlive, expected30, expected90, nextOrderAt, clv12 (currency units), spendMethod',
    },
    mergedFrom: {
      type: 'array',
      items: { type: 'string' },
      description: 'Customer ids folded into this one',
    },
    cart: {
      type: ['object', 'null'],
      description:
        'The current cart (cartId, its largest lines with prices in currency units, lineCount, updatedAt), if any',
    },
    viewed: {
      type: 'object',
      description: 'The products and categories viewed most recently, with counts and last view times',
    },
    recentEvents: {
      type: 'array',
      description: 'The latest 20 events, of this customer and those merged into it',
      items: {
        type: 'object',
        required: ['id', 'type', 'occurredAt'],
        properties: { id: { type: 'string' }, type: { type: 'string' }, occurredAt: { type: 'string' } },
      },
    },
  },
};

/** The API's OpenAPI 3.1 document; request schemas come from the same zod schemas the handlers use. */
export function openApiDocument(): Record<string, unknown> {
  // Without $schema: the document's own dialect applies, and inline schemas stay plain.
  const schema = (s: z.ZodType) => {
    const { $schema, ...rest } = z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });
    return rest;
  };
  const customerIdParameter = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The shop’s own customer id',
    schema: schema(customerIdSchema),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'huitou API',
      version: '1',
      description:
        'Customers and events of one shop, authenticated by its API key. Money is sent in currency units ' +
        'with at most two decimals (79.5 means 79.50).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // Self-hosted: each deployment has its own URL (API Gateway on AWS, http://127.0.0.1:4780 locally).
    servers: [{ url: '/', description: 'The host serving this document' }],
    tags: [
      { name: 'meta', description: 'Liveness and this document; no API key' },
      { name: 'intake', description: 'Events, in huitou’s shape or the Segment tracking spec' },
      { name: 'customers', description: 'Customer traits, profiles and erasure' },
      ...segmentTags,
      ...predictionTags,
      ...audienceTags,
      ...reportTags,
      ...journeyTags,
      ...campaignTags,
      ...templateTags,
      ...sendingTags,
      ...settingsTags,
      ...couponTags,
    ],
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
      schemas: {
        Event: {
          ...schema(shopEventSchema),
          description:
            'One event; it needs customerId, phone or email. Money fields (total, price, discount, amount) ' +
            'are in currency units with at most two decimals: 79.5 means 79.50.',
        },
        CustomerTraits: schema(traitsSchema),
        Customer: customer,
        Error: error,
        ...segmentSchemas,
        ...reportSchemas,
        ...journeySchemas,
        ...campaignSchemas,
        ...templateSchemas,
        ...settingsSchemas,
        ...couponSchemas,
      },
      responses: {
        BadRequest: {
          description: 'Invalid input (or malformed JSON): every problem with its field path',
          content: jsonOf(ref('schemas', 'Error')),
        },
        Unauthorized: { description: 'Missing or invalid API key', content: jsonOf(ref('schemas', 'Error')) },
        NotFound: {
          description: 'No such customer in this shop (another shop’s customer looks the same)',
          content: jsonOf(ref('schemas', 'Error')),
        },
        Conflict: {
          description: 'A concurrent update of the same customer kept winning; retry',
          content: jsonOf(ref('schemas', 'Error')),
        },
        PayloadTooLarge: { description: 'Body over 1 MB', content: jsonOf(ref('schemas', 'Error')) },
        RateLimited: {
          description:
            'Over the shop’s requests per second (with Retry-After), ' +
            'or over the API Gateway stage limits on AWS',
          headers: {
            'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 0 } },
          },
          content: jsonOf({ type: 'object' }),
        },
      },
    },
    security: [{ shopKey: [] }],
    paths: {
      '/v1/health': {
        get: {
          operationId: 'getHealth',
          summary: 'Liveness',
          tags: ['meta'],
          security: [],
          responses: {
            '200': {
              description: 'Alive, with the server time',
              content: jsonOf({
                type: 'object',
                properties: { status: { const: 'ok' }, time: { type: 'string', format: 'date-time' } },
              }),
            },
            // Public routes are not limited per shop, but the AWS stage throttles every route.
            '429': ref('responses', 'RateLimited'),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This OpenAPI document',
          tags: ['meta'],
          security: [],
          responses: {
            '200': { description: 'The OpenAPI 3.1 document', content: jsonOf({ type: 'object' }) },
            '429': ref('responses', 'RateLimited'),
          },
        },
      },
      '/v1/events': {
        post: {
          operationId: 'postEvents',
          summary: 'Send up to 100 events (1 MB); each id is an idempotency key',
          description:
            'A batch with any invalid event is rejected whole, with every problem by index and path.',
          tags: ['intake'],
          requestBody: {
            required: true,
            content: jsonOf({
              type: 'object',
              required: ['events'],
              properties: {
                events: { type: 'array', maxItems: 100, items: ref('schemas', 'Event') },
              },
            }),
          },
          responses: {
            '202': {
              description: 'Counts of accepted and duplicate events',
              content: jsonOf(
                counts({ accepted: 'New events stored', duplicates: 'Events whose id was seen before' }),
              ),
            },
            '400': ref('responses', 'BadRequest'),
            '401': ref('responses', 'Unauthorized'),
            '413': ref('responses', 'PayloadTooLarge'),
            '429': ref('responses', 'RateLimited'),
          },
        },
      },
      '/v1/segment/{kind}': {
        post: {
          operationId: 'postSegment',
          security: [{ shopKey: [] }, { writeKey: [] }],
          summary: 'Segment tracking spec intake',
          description:
            'A Segment `batch` payload, or one `identify`, `track` or `page` message, mapped onto huitou ' +
            'events and traits; `messageId` is the idempotency key. Anonymous messages and unknown track ' +
            'names are ignored.',
          tags: ['intake'],
          parameters: [
            {
              name: 'kind',
              in: 'path',
              required: true,
              schema: { type: 'string', enum: ['identify', 'track', 'page', 'batch'] },
            },
          ],
          requestBody: {
            required: true,
            content: jsonOf({
              type: 'object',
              description: 'A Segment message, or `{batch: [message…]}` (at most 100) for kind batch',
            }),
          },
          responses: {
            '200': {
              description: 'Counts of accepted, duplicate, identified and ignored messages',
              content: jsonOf(
                counts({
                  accepted: 'New events stored',
                  duplicates: 'Events whose id was seen before',
                  identified: 'identify messages applied as customer traits',
                  ignored:
                    'Messages without a known customer (anonymous, identify without userId) ' +
                    'or with unmapped track names',
                }),
              ),
            },
            '400': ref('responses', 'BadRequest'),
            '401': ref('responses', 'Unauthorized'),
            '409': ref('responses', 'Conflict'),
            '413': ref('responses', 'PayloadTooLarge'),
            '429': ref('responses', 'RateLimited'),
          },
        },
      },
      '/v1/customers/{id}': {
        parameters: [customerIdParameter],
        put: {
          operationId: 'putCustomer',
          summary: 'Set a customer’s traits',
          description:
            'Creates the customer if new. Phone (normalised to E.164 with the shop’s default region) ' +
            'and email link customers, and may merge two into the one known longest.',
          tags: ['customers'],
          requestBody: { required: true, content: jsonOf(ref('schemas', 'CustomerTraits')) },
          responses: {
            '200': {
              description: 'The customer id and traits',
              content: jsonOf({
                type: 'object',
                required: ['customerId', 'traits'],
                properties: { customerId: { type: 'string' }, traits: { type: 'object' } },
              }),
            },
            '400': ref('responses', 'BadRequest'),
            '401': ref('responses', 'Unauthorized'),
            '409': ref('responses', 'Conflict'),
            '413': ref('responses', 'PayloadTooLarge'),
            '429': ref('responses', 'RateLimited'),
          },
        },
        get: {
          operationId: 'getCustomer',
          summary: 'A customer’s traits, stats, tier, segments, cart and recent events',
          description: 'An id merged into another customer answers with the survivor.',
          tags: ['customers'],
          responses: {
            '200': { description: 'The customer', content: jsonOf(ref('schemas', 'Customer')) },
            '400': ref('responses', 'BadRequest'),
            '401': ref('responses', 'Unauthorized'),
            '404': ref('responses', 'NotFound'),
            '429': ref('responses', 'RateLimited'),
          },
        },
        delete: {
          operationId: 'eraseCustomer',
          summary: 'Erase a customer',
          description:
            'Profile, identities and events are deleted; an anonymous tombstone keeps aggregate stats.',
          tags: ['customers'],
          responses: {
            '204': { description: 'Erased' },
            '400': ref('responses', 'BadRequest'),
            '401': ref('responses', 'Unauthorized'),
            '404': ref('responses', 'NotFound'),
            '429': ref('responses', 'RateLimited'),
          },
        },
      },
      ...segmentPaths,
      ...journeyPaths,
      ...predictionPaths,
      ...audiencePaths,
      ...reportPaths,
      ...campaignPaths,
      ...templatePaths,
      ...sendingPaths,
      ...settingsPaths,
      ...couponPaths,
    },
  };
}
