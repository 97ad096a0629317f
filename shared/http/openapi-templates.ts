import { errorResponses, jsonOf, ref } from './openapi-parts.js';

export const templateTags = [
  {
    name: 'templates',
    description:
      'Message templates: the shop’s own (MJML or SMS text, with Liquid) beside the playbook defaults, and previews',
  },
];

const localeVariants = (description: string) => ({
  type: 'object',
  description,
  minProperties: 1,
  additionalProperties: false,
  properties: Object.fromEntries(['zh-CN', 'en'].map((l) => [l, ref('schemas', 'TemplateVariant')])),
});

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  channel: { type: 'string', enum: ['email', 'sms'] },
  variants: localeVariants('One variant per locale the template is written in; at least one'),
};

const summaryProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  channel: { type: 'string', enum: ['email', 'sms'] },
  source: {
    type: 'string',
    enum: ['shop', 'playbook'],
    description: '`playbook`: a default huitou ships; `shop`: the shop’s own',
  },
  overrides: {
    type: 'boolean',
    description:
      'A shop template: whether it replaces a playbook’s default (its id is a playbook’s). A default: whether the shop’s own replaces it',
  },
  locales: { type: 'array', items: { type: 'string', enum: ['zh-CN', 'en'] } },
  version: { type: ['integer', 'null'], description: 'The shop template’s version; null for a default' },
  updatedAt: { type: ['string', 'null'], format: 'date-time' },
};
const summaryRequired = Object.keys(summaryProperties);

export const templateSchemas = {
  TemplateVariant: {
    type: 'object',
    required: ['body'],
    additionalProperties: false,
    properties: {
      subject: {
        type: 'string',
        maxLength: 998,
        description: 'Email only, required there; Liquid allowed',
      },
      body: {
        type: 'string',
        minLength: 1,
        maxLength: 100_000,
        description:
          'Email: an MJML document (compiled to HTML, with a text part derived, when saved). SMS: the text. ' +
          'Liquid: customer.name, customer.tier, customer.last_visit, customer.days_since_last_visit, ' +
          'viewed_product, cross_sell, cart, coupon, order, tier_change, offer, occasion, shop, unsubscribe_url',
      },
    },
  },
  TemplateSummary: { type: 'object', required: summaryRequired, properties: summaryProperties },
  Template: {
    type: 'object',
    required: [...summaryRequired, 'variants'],
    properties: {
      ...summaryProperties,
      variants: localeVariants('What was written, per locale (a default’s own source, to copy and edit)'),
    },
  },
  TemplateError: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'string', description: 'invalid_request' },
      issues: {
        type: 'array',
        items: {
          type: 'object',
          required: ['path', 'message'],
          properties: {
            path: { type: 'string', description: 'e.g. variants.zh-CN.body' },
            message: { type: 'string' },
            line: { type: 'integer', description: 'The line in what was written, where known' },
            column: { type: 'integer' },
          },
        },
      },
    },
  },
  TemplatePreview: {
    type: 'object',
    required: ['templateId', 'source', 'channel', 'purpose', 'to', 'skip', 'text'],
    properties: {
      templateId: { type: 'string' },
      source: { type: 'string', enum: ['shop', 'playbook'], description: 'Which template was rendered' },
      channel: { type: 'string', enum: ['email', 'sms'] },
      purpose: { type: 'string', enum: ['marketing', 'transactional'] },
      to: { type: ['string', 'null'], description: 'The customer’s address on the channel' },
      skip: {
        type: ['string', 'null'],
        description:
          'Why the sender would not send to this customer now (no-consent, unsubscribed, suppressed, no-address, shop-paused), or null',
      },
      subject: { type: 'string', description: 'Email only' },
      html: { type: 'string', description: 'Email only' },
      text: { type: 'string' },
    },
  },
};

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'A template id: the shop’s own or a playbook’s',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
};
const one = (description: string) => ({ description, content: jsonOf(ref('schemas', 'Template')) });
const invalid = {
  '400': {
    description:
      'Invalid body, or a template that does not compile: every issue with its path and, where known, line and column',
    content: jsonOf(ref('schemas', 'TemplateError')),
  },
};

export const templatePaths = {
  '/v1/templates': {
    get: {
      operationId: 'listTemplates',
      summary: 'The shop’s templates and the playbook defaults (email and SMS of each), marked as such',
      tags: ['templates'],
      responses: {
        '200': {
          description: 'Every template the shop can send',
          content: jsonOf({
            type: 'object',
            required: ['templates'],
            properties: { templates: { type: 'array', items: ref('schemas', 'TemplateSummary') } },
          }),
        },
        ...errorResponses(401, 429),
      },
    },
    post: {
      operationId: 'createTemplate',
      summary: 'Save a new template, compiled and validated; under a playbook’s id it replaces that default',
      description:
        'MJML is compiled to HTML and a plain-text part derived now, so sending only renders Liquid. ' +
        'A template saved under a playbook’s id replaces that playbook’s default of the same channel for this shop.',
      tags: ['templates'],
      requestBody: {
        required: true,
        content: jsonOf({
          type: 'object',
          required: ['id', 'name', 'channel', 'variants'],
          additionalProperties: false,
          properties: { id: idParameter.schema, ...fields },
        }),
      },
      responses: {
        '201': one('The saved template, version 1'),
        ...invalid,
        ...errorResponses(401, 409, 413, 429),
      },
    },
  },
  '/v1/templates/{id}': {
    parameters: [idParameter],
    get: {
      operationId: 'getTemplate',
      summary: 'One template with its source: the shop’s own, else the playbook’s default',
      tags: ['templates'],
      parameters: [
        {
          name: 'channel',
          in: 'query',
          required: false,
          description:
            'For a playbook id: which channel’s default (email unless the shop’s own is asked for)',
          schema: { type: 'string', enum: ['email', 'sms'] },
        },
      ],
      responses: { '200': one('The template'), ...errorResponses(400, 401, 404, 429) },
    },
    put: {
      operationId: 'updateTemplate',
      summary: 'Replace the shop’s template, recompiled; the version read must still be current',
      tags: ['templates'],
      requestBody: {
        required: true,
        content: jsonOf({
          type: 'object',
          required: ['name', 'channel', 'variants', 'version'],
          additionalProperties: false,
          properties: {
            ...fields,
            version: {
              type: 'integer',
              minimum: 1,
              description: 'The version read; another save since then answers 409',
            },
          },
        }),
      },
      responses: {
        '200': one('The template at its next version'),
        ...invalid,
        ...errorResponses(401, 404, 409, 413, 429),
      },
    },
  },
  '/v1/templates/{id}/preview': {
    parameters: [idParameter],
    post: {
      operationId: 'previewTemplate',
      summary: 'Render a real customer’s message as the sender would, without sending',
      description:
        'The template the sender would choose (the shop’s own, else the default) in the locale it would use, with ' +
        'the customer’s profile and `data` as a send request carries it, and the same signed click and unsubscribe ' +
        'links (they work: following them records a click or an unsubscribe). Nothing is sent or recorded.',
      tags: ['templates'],
      requestBody: {
        required: true,
        content: jsonOf({
          type: 'object',
          required: ['customerId'],
          additionalProperties: false,
          properties: {
            customerId: { type: 'string' },
            data: {
              type: 'object',
              description:
                'As in a send request: locale, products [{sku, name, url, imageUrl, price}], crossSell, coupon, order, tierChange, offer, occasion',
            },
            channel: {
              type: 'string',
              enum: ['email', 'sms'],
              description: 'Default: the shop template’s channel, email for a playbook',
            },
            purpose: {
              type: 'string',
              enum: ['marketing', 'transactional'],
              description: 'Default: the playbook’s; marketing for the shop’s own',
            },
          },
        }),
      },
      responses: {
        '200': {
          description: 'The rendered message',
          content: jsonOf(ref('schemas', 'TemplatePreview')),
        },
        ...errorResponses(400, 401, 404, 413, 429),
      },
    },
  },
};
