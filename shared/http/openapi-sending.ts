import { z } from 'zod';
import { sendingSettingsSchema } from '../domain/sending/sending-settings.js';
import { errorResponses, jsonOf } from './openapi-parts.js';

/** The shop's sending settings. */
export const sendingTags = [
  {
    name: 'sending',
    description:
      'How the shop’s messages go out: sender, reply-to, attribution windows, SMS price cap, link hosts',
  },
];

const { $schema: _, ...settingsBody } = z.toJSONSchema(sendingSettingsSchema, {
  unrepresentable: 'any',
  io: 'input',
});

const pauseReason = {
  type: 'object',
  required: ['kind', 'rate', 'threshold', 'message'],
  properties: {
    kind: { type: 'string', enum: ['bounce-rate', 'complaint-rate'] },
    rate: { type: 'number' },
    threshold: { type: 'number' },
    message: { type: 'string', description: 'Why, in words a shop owner reads' },
  },
};

const settings = {
  type: 'object',
  required: [
    'from',
    'replyTo',
    'attributionWindow',
    'smsMaxPriceUsd',
    'allowedHosts',
    'marketingConsent',
    'paused',
  ],
  properties: {
    from: {
      type: ['object', 'null'],
      description: 'null: the deployment’s sender address',
      properties: { address: { type: 'string', format: 'email' }, name: { type: 'string' } },
    },
    replyTo: { type: 'array', items: { type: 'string', format: 'email' } },
    attributionWindow: {
      type: 'object',
      description: 'Days after an open or click, and after a delivery, that an order is credited to a send',
      properties: { afterEngagementDays: { type: 'number' }, afterDeliveryDays: { type: 'number' } },
    },
    smsMaxPriceUsd: { type: 'number', description: 'The most one SMS may cost, in US dollars' },
    allowedHosts: {
      type: 'array',
      items: { type: 'string' },
      description: 'Hosts messages may link to (`*.example.com` for subdomains); click links go nowhere else',
    },
    url: { type: 'string', description: 'The shop’s site, for templates' },
    marketingConsent: { type: 'string', enum: ['opt-in', 'opt-out'] },
    paused: {
      type: ['object', 'null'],
      description: 'Set by huitou when the bounce or complaint rate passed its threshold; read-only',
      properties: {
        at: { type: 'string', format: 'date-time' },
        reasons: { type: 'array', items: pauseReason },
      },
    },
  },
};

export const sendingPaths = {
  '/v1/settings/sending': {
    get: {
      operationId: 'getSendingSettings',
      summary: 'The shop’s sending settings',
      description: 'Every setting with its default filled in, and the pause state with its reasons.',
      tags: ['sending'],
      responses: {
        '200': { description: 'The settings', content: jsonOf(settings) },
        ...errorResponses(401, 429),
      },
    },
    put: {
      operationId: 'putSendingSettings',
      summary: 'Replace the shop’s sending settings',
      description:
        'Fields left out go back to their defaults (5 days after an open or click, 1 day after a delivery; ' +
        'US$0.05 per SMS; no link hosts). The pause cannot be set here.',
      tags: ['sending'],
      requestBody: { required: true, content: jsonOf(settingsBody) },
      responses: {
        '200': { description: 'The settings as they now are', content: jsonOf(settings) },
        ...errorResponses(400, 401, 429),
      },
    },
  },
};
