import { z } from 'zod';
import { DynamoRefreshResultStore } from '../../../shared/adapters/dynamodb/refresh-result-store.js';
import { DynamoSegmentDefinitionStore } from '../../../shared/adapters/dynamodb/segment-definition-store.js';
import { DynamoSegmentStore } from '../../../shared/adapters/dynamodb/segment-store.js';
import { json, jsonBody, parseBody } from '../../../shared/http/responses.js';
import { discoverSegments } from '../../../shared/use-cases/segments/discover-segments.js';
import { listMembers } from '../../../shared/use-cases/segments/list-members.js';
import { previewSchema, previewSegment } from '../../../shared/use-cases/segments/preview-segment.js';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  newSegmentSchema,
  segmentUpdateSchema,
  updateSegment,
} from '../../../shared/use-cases/segments/segment-definitions.js';
import type { ApiDeps, ApiRoute } from '../context.js';

export const membersQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(400).optional(),
});

/**
 * Segments: custom definitions, preview, discovery and members. The fixed paths (preview, discover)
 * come before `{id}`, which would match them too.
 */
export function segmentRoutes(deps: ApiDeps): ApiRoute[] {
  const segments = new DynamoSegmentStore(deps.doc, deps.tableName);
  const definitions = new DynamoSegmentDefinitionStore(deps.doc, deps.tableName);
  const results = new DynamoRefreshResultStore(deps.doc, deps.tableName);
  const crud = { definitions, results, clock: deps.clock };
  return [
    {
      method: 'GET',
      path: '/v1/segments',
      run: async ({ shop }) => json(200, await listSegments(crud, shop)),
    },
    {
      method: 'POST',
      path: '/v1/segments',
      run: async ({ shop, event }) =>
        json(201, await createSegment(crud, shop, parseBody(newSegmentSchema, jsonBody(event)))),
    },
    {
      method: 'POST',
      path: '/v1/segments/preview',
      run: async ({ shop, event }) =>
        json(
          200,
          await previewSegment(
            { definitions, segments, clock: deps.clock },
            shop,
            parseBody(previewSchema, jsonBody(event)),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/v1/segments/discover',
      run: async ({ shop }) => json(200, await discoverSegments(results, shop)),
    },
    {
      method: 'GET',
      path: '/v1/segments/{id}/members',
      run: async ({ shop, params, event }) =>
        json(
          200,
          await listMembers(
            segments,
            shop,
            params.id ?? '',
            parseBody(membersQuerySchema, event.queryStringParameters ?? {}),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/v1/segments/{id}',
      run: async ({ shop, params }) => json(200, await getSegment(crud, shop, params.id ?? '')),
    },
    {
      method: 'PUT',
      path: '/v1/segments/{id}',
      run: async ({ shop, params, event }) =>
        json(
          200,
          await updateSegment(crud, shop, params.id ?? '', parseBody(segmentUpdateSchema, jsonBody(event))),
        ),
    },
    {
      method: 'DELETE',
      path: '/v1/segments/{id}',
      run: async ({ shop, params }) => {
        await deleteSegment(crud, shop, params.id ?? '');
        return { statusCode: 204 };
      },
    },
  ];
}
