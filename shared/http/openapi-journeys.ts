import { holidayCalendarSchema } from '../domain/journeys/calendar.js';
import { errorResponses, jsonOf, ref } from './openapi-parts.js';
import { jsonSchemaOf } from './openapi-segments.js';

export const journeyTags = [
  { name: 'journeys', description: 'Triggered flows: the playbook library and the shop’s own journeys' },
];

export const journeySchemas = {
  Journey: {
    type: 'object',
    required: ['journeyId', 'enabled', 'source', 'edited', 'definition', 'updatedAt'],
    properties: {
      journeyId: { type: 'string' },
      enabled: { type: 'boolean' },
      source: { type: 'string', enum: ['playbook', 'custom'] },
      edited: { type: 'boolean', description: 'False while a playbook is as the library ships it' },
      definition: {
        type: 'object',
        description:
          'The latest version: id, version, name, trigger, instanceKey, entry, steps, exit, reentry, ' +
          'rateLimit (shared/domain/journeys/definition.ts). Running instances keep the version they ' +
          'started on. `rateLimit.messagesPerSecond`: the journey queues at most 60 × that in any clock ' +
          'minute; the rest wait for the next minutes in line (held as `rate-limit`).',
      },
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  HolidayCalendar: {
    type: 'object',
    required: ['holidays'],
    properties: {
      holidays: {
        ...jsonSchemaOf(holidayCalendarSchema),
        description:
          'The days holiday care goes out on: a fixed day (MM-DD), the nth weekday of a month, or dates by year',
      },
      custom: { type: 'boolean', description: 'False while the shop goes by the default calendar' },
    },
  },
};

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'A journey id: a playbook id or the shop’s own',
  schema: { type: 'string' },
};
const one = (description: string) => ({ description, content: jsonOf(ref('schemas', 'Journey')) });
const definitionBody = {
  required: true,
  content: jsonOf({ type: 'object', description: 'A journey definition (the version is assigned)' }),
};

const toggle = (enabled: boolean) => ({
  post: {
    operationId: enabled ? 'enableJourney' : 'disableJourney',
    summary: enabled ? 'Run the journey for this shop' : 'Stop starting new instances of the journey',
    tags: ['journeys'],
    parameters: [idParameter],
    responses: { '200': one('The journey'), ...errorResponses(401, 404, 409, 429) },
  },
});

export const journeyPaths = {
  '/v1/journeys': {
    get: {
      operationId: 'listJourneys',
      summary:
        'The playbooks (on by default: unpaid order reminder, order care, tier change) and the shop’s journeys',
      tags: ['journeys'],
      responses: {
        '200': {
          description: 'Every journey of the shop',
          content: jsonOf({
            type: 'object',
            required: ['journeys'],
            properties: { journeys: { type: 'array', items: ref('schemas', 'Journey') } },
          }),
        },
        ...errorResponses(401, 429),
      },
    },
    post: {
      operationId: 'createJourney',
      summary: 'A journey of the shop’s own, version 1, disabled until enabled',
      tags: ['journeys'],
      requestBody: definitionBody,
      responses: { '201': one('The journey'), ...errorResponses(400, 401, 409, 429) },
    },
  },
  '/v1/journeys/{id}': {
    get: {
      operationId: 'getJourney',
      summary: 'One journey and its latest definition',
      tags: ['journeys'],
      parameters: [idParameter],
      responses: { '200': one('The journey'), ...errorResponses(401, 404, 429) },
    },
    put: {
      operationId: 'updateJourney',
      summary: 'A new version of the journey; running instances keep theirs',
      tags: ['journeys'],
      parameters: [idParameter],
      requestBody: definitionBody,
      responses: { '200': one('The journey'), ...errorResponses(400, 401, 404, 409, 429) },
    },
  },
  '/v1/journeys/{id}/enable': toggle(true),
  '/v1/journeys/{id}/disable': toggle(false),
  '/v1/holidays': {
    get: {
      operationId: 'getHolidayCalendar',
      summary: 'The shop’s holiday calendar: its own, or the defaults (Women’s Day, Mother’s Day, 6.18, …)',
      tags: ['journeys'],
      responses: {
        '200': { description: 'The calendar', content: jsonOf(ref('schemas', 'HolidayCalendar')) },
        ...errorResponses(401, 429),
      },
    },
    put: {
      operationId: 'setHolidayCalendar',
      summary: 'Replaces the shop’s holiday calendar; the next hourly tick goes by it',
      tags: ['journeys'],
      requestBody: { required: true, content: jsonOf(ref('schemas', 'HolidayCalendar')) },
      responses: {
        '200': { description: 'The calendar as stored', content: jsonOf(ref('schemas', 'HolidayCalendar')) },
        ...errorResponses(400, 401, 429),
      },
    },
  },
};
