import { campaignInputSchema } from '../domain/campaigns/campaign.js';
import { simulateSchema } from '../use-cases/campaigns/simulate.js';
import { journeySimulationSchema } from '../use-cases/journeys/simulate-journey.js';
import { errorResponses, jsonOf, ref } from './openapi-parts.js';
import { jsonSchemaOf } from './openapi-segments.js';

/** Campaigns (store activities) and the dry run. */
export const campaignTags = [
  { name: 'campaigns', description: 'Store activities: an offer to an audience, now, at a time or by cron' },
];

const counts = (description: string) => ({
  type: 'object',
  description,
  additionalProperties: { type: 'integer', minimum: 0 },
});

const treatmentCounts = {
  audience: { type: 'integer', minimum: 0, description: 'Members of the audience read' },
  send: { type: 'integer', minimum: 0, description: 'Would be sent at once' },
  heldOut: { type: 'integer', minimum: 0, description: 'In the campaign’s holdout: tracked, not sent' },
  globalControl: {
    type: 'integer',
    minimum: 0,
    description: 'In the shop’s global control group: tracked, not sent',
  },
  deferred: counts(
    'Waiting for a slot, by reason: quiet-hours, activity-cap, daily-limit, not-due (a product’s second wave)',
  ),
  skipped: counts(
    'Not sent, with the reason recorded: no-consent, unsubscribed, suppressed, no-address, expired, ' +
      '…-past-expiry, profit-product-not-discounted-to-loyal',
  ),
};

export const campaignSchemas = {
  CampaignInput: {
    ...jsonSchemaOf(campaignInputSchema),
    description:
      'A campaign. Money in currency units. `channels` in order of preference: each customer gets one ' +
      'message, on the first channel that reaches them. `templateId` defaults by offer type ' +
      '(free_shipping: campaign-free-shipping). `holdoutShare` defaults to 0.1. A coupon offer’s `rule` ' +
      'may also be the id of one of the shop’s coupon rules (GET /v1/settings/coupon-rules): the rule is ' +
      'written into the campaign as it is then.',
  },
  Campaign: {
    type: 'object',
    required: [
      'id',
      'name',
      'offer',
      'audience',
      'channels',
      'templateId',
      'schedule',
      'holdoutShare',
      'status',
    ],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      offer: { type: 'object' },
      audience: { type: 'object' },
      channels: { type: 'array', items: { type: 'string', enum: ['email', 'sms'] } },
      templateId: { type: 'string' },
      schedule: { type: 'object' },
      holdoutShare: { type: 'number', minimum: 0, maximum: 0.5 },
      productRole: { type: 'string', enum: ['traffic', 'profit', 'marginal', 'potential'] },
      endsAt: { type: 'string', format: 'date-time' },
      status: { type: 'string', enum: ['scheduled', 'launched', 'cancelled'] },
      nextRunAt: { type: ['string', 'null'], format: 'date-time' },
      lastRunAt: { type: ['string', 'null'], format: 'date-time' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      version: { type: 'integer', minimum: 1 },
    },
  },
  CampaignEstimate: {
    type: 'object',
    description:
      'The audience after global control, holdout, product role and contact policy, as of `asOf`, before ' +
      'anything is sent.',
    required: ['asOf', 'complete', ...Object.keys(treatmentCounts)],
    properties: {
      asOf: { type: 'string', format: 'date-time' },
      complete: { type: 'boolean', description: 'False when only the first 40,000 members were read' },
      ...treatmentCounts,
    },
  },
};

const launchAnswer = (description: string) => ({
  description,
  content: jsonOf({
    type: 'object',
    required: ['campaign', 'estimate', 'launched', 'created'],
    properties: {
      campaign: ref('schemas', 'Campaign'),
      estimate: ref('schemas', 'CampaignEstimate'),
      launched: { type: 'boolean', description: 'A run was started by this call' },
      created: { type: 'boolean' },
    },
  }),
});

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'A campaign id',
  schema: { type: 'string' },
};
const notFound = {
  '404': { description: 'No such campaign in this shop', content: jsonOf(ref('schemas', 'Error')) },
};

const campaignSimulation = {
  type: 'object',
  required: ['from', 'to', 'campaignId', 'runs', 'messages'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    campaignId: { type: 'string' },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', ...Object.keys(treatmentCounts)],
        properties: { at: { type: 'string', format: 'date-time' }, ...treatmentCounts },
      },
    },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['customerId', 'runAt', 'at', 'outcome', 'channel', 'templateId'],
        properties: {
          customerId: { type: 'string' },
          runAt: { type: 'string', format: 'date-time' },
          at: { type: 'string', format: 'date-time' },
          outcome: { type: 'string', enum: ['send', 'withheld', 'deferred-past-window'] },
          channel: { type: 'string' },
          templateId: { type: 'string' },
          reason: { type: 'string' },
          deferred: { type: 'array', items: { type: 'object' } },
          data: { type: 'object' },
        },
      },
    },
  },
};

const journeySimulation = {
  type: 'object',
  required: ['from', 'to', 'journeyId', 'version', 'counts', 'messages', 'pending', 'instances'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    journeyId: { type: 'string' },
    version: { type: 'integer' },
    counts: counts(
      'Messages by outcome: send, and withheld:<reason> (held-out, activity-cap-past-expiry, merged, …)',
    ),
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['customerId', 'at', 'outcome', 'step', 'channel', 'templateId', 'sendId'],
        properties: {
          customerId: { type: 'string' },
          at: { type: 'string', format: 'date-time', description: 'When it was queued or withheld' },
          outcome: { type: 'string', enum: ['send', 'withheld'] },
          reason: { type: 'string' },
          step: { type: 'string' },
          channel: { type: 'string' },
          templateId: { type: 'string' },
          sendId: { type: 'string' },
          dueAt: { type: 'string', format: 'date-time', description: 'When the step made it' },
          held: {
            type: 'array',
            description:
              'Each time the contact policy held it back: quiet-hours, activity-cap, daily-limit, not-due',
            items: {
              type: 'object',
              required: ['reason', 'until'],
              properties: { reason: { type: 'string' }, until: { type: 'string', format: 'date-time' } },
            },
          },
          data: { type: 'object' },
        },
      },
    },
    pending: { type: 'array', description: 'Still owed when the window ends', items: { type: 'object' } },
    instances: {
      type: 'array',
      description: 'Each customer’s instances at the end',
      items: { type: 'object' },
    },
  },
};

export const campaignPaths = {
  '/v1/campaigns': {
    post: {
      operationId: 'createCampaign',
      summary: 'Create a campaign, see its audience after the contact policy, launch it now or schedule it',
      description:
        '`{"schedule": {"at": "now"}}` starts the run at once: the audience is read page by page on the ' +
        'campaign queue, each customer held out, deferred by the contact policy (sent when the slot ' +
        'opens) or sent one send request. The estimate in the answer is computed before anything is ' +
        'queued. `{"at": ISO}` runs once then; `{"cron": "0 10 * * 2"}` every Tuesday 10:00 in the ' +
        'shop’s time zone (or `timeZone`). With an `Idempotency-Key` header a retry answers the ' +
        'campaign created first (200) and starts nothing more.',
      tags: ['campaigns'],
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Makes a retried POST one campaign',
          schema: { type: 'string', maxLength: 200 },
        },
      ],
      requestBody: { required: true, content: jsonOf(ref('schemas', 'CampaignInput')) },
      responses: {
        '201': launchAnswer('Created (and launched, for `at: now`)'),
        '200': launchAnswer('Created before with this idempotency key'),
        ...errorResponses(400, 401, 413, 429),
      },
    },
    get: {
      operationId: 'listCampaigns',
      summary: 'The shop’s campaigns, newest first',
      tags: ['campaigns'],
      responses: {
        '200': {
          description: 'The campaigns',
          content: jsonOf({
            type: 'object',
            required: ['campaigns'],
            properties: { campaigns: { type: 'array', items: ref('schemas', 'Campaign') } },
          }),
        },
        ...errorResponses(401, 429),
      },
    },
  },
  '/v1/campaigns/{id}': {
    parameters: [idParameter],
    get: {
      operationId: 'getCampaign',
      summary: 'A campaign',
      tags: ['campaigns'],
      responses: {
        '200': { description: 'The campaign', content: jsonOf(ref('schemas', 'Campaign')) },
        ...notFound,
        ...errorResponses(401, 429),
      },
    },
    put: {
      operationId: 'updateCampaign',
      summary: 'Replace a campaign that has not run yet',
      description: 'Validated as a create is; 409 once the campaign has run or was cancelled.',
      tags: ['campaigns'],
      requestBody: { required: true, content: jsonOf(ref('schemas', 'CampaignInput')) },
      responses: {
        '200': launchAnswer('Replaced (and launched, for `at: now`)'),
        ...notFound,
        '409': {
          description: 'Already run, cancelled, or changed meanwhile',
          content: jsonOf(ref('schemas', 'Error')),
        },
        ...errorResponses(400, 401, 413, 429),
      },
    },
    delete: {
      operationId: 'cancelCampaign',
      summary: 'Cancel a campaign',
      description:
        'No further run starts, and what is left of a run under way (pages, deferred customers) sends nothing.',
      tags: ['campaigns'],
      responses: {
        '200': { description: 'The cancelled campaign', content: jsonOf(ref('schemas', 'Campaign')) },
        ...notFound,
        ...errorResponses(401, 409, 429),
      },
    },
  },
  '/v1/campaigns/{id}/estimate': {
    parameters: [idParameter],
    post: {
      operationId: 'estimateCampaign',
      summary: 'A saved campaign’s audience after the contact policy, as of now',
      tags: ['campaigns'],
      responses: {
        '200': { description: 'The estimate', content: jsonOf(ref('schemas', 'CampaignEstimate')) },
        ...notFound,
        ...errorResponses(401, 429),
      },
    },
  },
  '/v1/simulate': {
    post: {
      operationId: 'simulate',
      summary:
        'Dry run of a campaign or a journey: who would get what and when over the next days, without sending',
      description:
        'For `{campaign: id}` or `{campaign: {draft}}`: every run within `days` played as the worker plays ' +
        'it (holdout, product role, contact policy with caps, quiet hours and one a day), a deferred ' +
        'message decided again when its slot opens. For `{journey: id}` or `{journey: {draft definition}}` ' +
        'with `customers` and `events` to feed: the real journey runtime (interpreter, holdouts, the ' +
        'shop’s contact policy with caps, quiet hours and merging, its coupon rules) on stores in memory ' +
        'and a clock from `from` (now when left out) to `days` later; a fixed `from` makes the answer ' +
        'repeatable, for a shop’s own CI. The journey runs alone (other journeys’ messages are not ' +
        'played) and coupon codes shown are not valid. Nothing is written or queued.',
      tags: ['campaigns', 'journeys'],
      requestBody: {
        required: true,
        content: jsonOf({ oneOf: [jsonSchemaOf(simulateSchema), jsonSchemaOf(journeySimulationSchema)] }),
      },
      responses: {
        '200': {
          description:
            'A campaign: per run counts and the first `limit` messages. A journey: counts by outcome, ' +
            'the first `limit` messages with what held each back, what is still owed at the end, the instances.',
          content: jsonOf({ oneOf: [campaignSimulation, journeySimulation] }),
        },
        ...errorResponses(400, 401, 413, 429),
      },
    },
  },
};
