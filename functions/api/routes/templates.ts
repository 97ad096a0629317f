import { z } from 'zod';
import { linkSettingsOf, sendingStores } from '../../../shared/adapters/sending-deps.js';
import { loadConfig } from '../../../shared/config.js';
import { json, jsonBody, parseBody } from '../../../shared/http/responses.js';
import {
  createTemplate,
  getTemplate,
  listTemplates,
  previewTemplate,
  templateIdSchema,
  updateTemplate,
} from '../../../shared/use-cases/sending/templates.js';
import type { ApiDeps, ApiRoute } from '../context.js';

const querySchema = z.object({ channel: z.enum(['email', 'sms']).optional() });
const id = (params: Record<string, string>) => parseBody(templateIdSchema, params.id);

/**
 * Templates: the shop's own (MJML or SMS text with Liquid, compiled on save) beside the playbook
 * defaults, and a preview of a real customer's message as the sender would render it.
 */
export function templateRoutes(deps: ApiDeps): ApiRoute[] {
  const stores = sendingStores(deps.doc, deps.tableName, deps.clock);
  const crud = { templates: stores.templates, clock: deps.clock };
  // Read when a preview is asked for: the links' secret is the sender's, granted to the API for this.
  let links: ReturnType<typeof linkSettingsOf> | undefined;
  const preview = () => {
    links ??= linkSettingsOf(loadConfig());
    return { ...stores, links, clock: deps.clock };
  };
  return [
    {
      method: 'GET',
      path: '/v1/templates',
      run: async ({ shop }) => json(200, { templates: await listTemplates(crud, shop.shopId) }),
    },
    {
      method: 'POST',
      path: '/v1/templates',
      run: async ({ shop, event }) => json(201, await createTemplate(crud, shop, jsonBody(event))),
    },
    {
      method: 'GET',
      path: '/v1/templates/{id}',
      run: async ({ shop, params, event }) => {
        const { channel } = parseBody(querySchema, event.queryStringParameters ?? {});
        return json(200, await getTemplate(crud, shop.shopId, id(params), channel));
      },
    },
    {
      method: 'PUT',
      path: '/v1/templates/{id}',
      run: async ({ shop, params, event }) =>
        json(200, await updateTemplate(crud, shop, id(params), jsonBody(event))),
    },
    {
      method: 'POST',
      path: '/v1/templates/{id}/preview',
      run: async ({ shop, params, event }) =>
        json(200, await previewTemplate(preview(), shop, id(params), jsonBody(event))),
    },
  ];
}
