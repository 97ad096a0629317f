import { errorResponses, jsonOf, ref } from './openapi-parts.js';

/** Coupons at the shop's checkout. */
export const couponTags = [
  {
    name: 'coupons',
    description: 'Codes huitou issued with its messages: whether an order may use one, and what it takes off',
  },
];

const reasons = [
  'unknown-code',
  'other-customer',
  'not-yet-valid',
  'expired',
  'below-minimum',
  'already-redeemed',
];

export const couponSchemas = {
  CouponCheck: {
    description:
      'Whether the order may use the code. Valid: what it takes off (`discount` in currency units, 0 for a ' +
      'free-shipping rule) and until when. Not valid: why (a code huitou did not issue is `unknown-code`).',
    oneOf: [
      {
        type: 'object',
        required: ['code', 'valid', 'ruleId', 'discount', 'freeShipping', 'validUntil'],
        properties: {
          code: { type: 'string', description: 'The code as issued (capitals, no spaces or dashes)' },
          valid: { type: 'boolean', enum: [true] },
          ruleId: { type: 'string', description: 'The shop’s coupon rule it was issued under' },
          discount: { type: 'number', minimum: 0 },
          freeShipping: { type: 'boolean' },
          validUntil: { type: 'string', format: 'date-time' },
        },
      },
      {
        type: 'object',
        required: ['code', 'valid', 'reason'],
        properties: {
          code: { type: 'string' },
          valid: { type: 'boolean', enum: [false] },
          reason: { type: 'string', enum: reasons },
        },
      },
    ],
  },
};

export const couponPaths = {
  '/v1/coupons/{code}': {
    get: {
      operationId: 'checkCoupon',
      summary: 'May this order use this coupon code, and what does it take off?',
      description:
        'For the shop’s checkout, before it applies a code. A code is the customer’s own, valid from the ' +
        'send that carried it for its rule’s days, for orders of at least the rule’s minimum (`total` before ' +
        'the discount), and used once: the first paid order that carries it (`couponCode` on `order_placed`) ' +
        'redeems it, and later orders are told `already-redeemed`. Pass `orderId` to ask again for an order ' +
        'that already redeemed it. Checked on the shop’s current coupon rules.',
      tags: ['coupons'],
      parameters: [
        {
          name: 'code',
          in: 'path',
          required: true,
          description: 'The code as the customer typed it (case, spaces and dashes do not matter)',
          schema: { type: 'string', maxLength: 64 },
        },
        {
          name: 'customerId',
          in: 'query',
          required: true,
          description: 'The customer checking out, by the shop’s id',
          schema: { type: 'string', maxLength: 128 },
        },
        {
          name: 'total',
          in: 'query',
          required: true,
          description: 'The order’s total before this coupon, in currency units (at most two decimals)',
          schema: { type: 'number', minimum: 0 },
        },
        {
          name: 'orderId',
          in: 'query',
          description: 'The order, when it has an id: its own redemption does not refuse it',
          schema: { type: 'string', maxLength: 128 },
        },
      ],
      responses: {
        '200': {
          description: 'The answer, valid or not (an unknown code too)',
          content: jsonOf(ref('schemas', 'CouponCheck')),
        },
        ...errorResponses(400, 401, 429),
      },
    },
  },
};
