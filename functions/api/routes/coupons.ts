import { DynamoSendRecordStore } from '../../../shared/adapters/dynamodb/send-record-store.js';
import { json, parseBody } from '../../../shared/http/responses.js';
import { checkCoupon, couponCheckSchema } from '../../../shared/use-cases/journeys/coupons.js';
import type { ApiDeps, ApiRoute } from '../context.js';

/** Coupons at the shop's checkout: may this order use this code, and what does it take off? */
export function couponRoutes(deps: ApiDeps): ApiRoute[] {
  const coupons = new DynamoSendRecordStore(deps.doc, deps.tableName);
  return [
    {
      method: 'GET',
      path: '/v1/coupons/{code}',
      run: async ({ shop, event, params }) =>
        json(
          200,
          await checkCoupon(
            { coupons, clock: deps.clock },
            shop,
            parseBody(couponCheckSchema, { ...event.queryStringParameters, code: params.code }),
          ),
        ),
    },
  ];
}
