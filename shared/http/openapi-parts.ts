/** Building blocks shared by the OpenAPI document and the per-context path modules beside it. */
export const ref = (kind: 'schemas' | 'responses', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});
export const jsonOf = (schema: unknown) => ({ 'application/json': { schema } });

/** The usual error responses of an authenticated route, by status. */
export const errorResponses = (...statuses: Array<400 | 401 | 404 | 409 | 413 | 429>) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      ref(
        'responses',
        {
          400: 'BadRequest',
          401: 'Unauthorized',
          404: 'NotFound',
          409: 'Conflict',
          413: 'PayloadTooLarge',
          429: 'RateLimited',
        }[s],
      ),
    ]),
  );
