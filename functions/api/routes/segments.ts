import { z } from 'zod';
import { DynamoSegmentStore } from '../../../shared/adapters/dynamodb/segment-store.js';
import { json, parseBody } from '../../../shared/http/responses.js';
import { listMembers } from '../../../shared/use-cases/segments/list-members.js';
import type { ApiDeps, ApiRoute } from '../context.js';

export const membersQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(400).optional(),
});

/** Segments: members of a segment, page by page. */
export function segmentRoutes(deps: ApiDeps): ApiRoute[] {
  const segments = new DynamoSegmentStore(deps.doc, deps.tableName);
  return [
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
  ];
}
