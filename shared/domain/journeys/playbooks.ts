import { type JourneyDefinition, type JourneyDefinitionInput, parseDefinition } from './definition.js';

/**
 * The playbook library: routine care every shop should have, as journey definitions with the
 * defaults a careful marketer would pick. A shop enables one as it is or edits it (a new version).
 * Coupon rules named here are the default ones (coupons.ts); templates are the shop's, by id.
 */

const orderKey = 'orderId';

/** An order-care SMS: transactional, ahead of marketing, useless once the news is old. */
function orderNotice(id: string, template: string, expiresAfter: { days?: number; hours?: number }) {
  return {
    id,
    type: 'send' as const,
    channel: 'sms' as const,
    template,
    purpose: 'transactional' as const,
    priority: 8,
    expiresAfter,
  };
}

export const playbooks = {
  /** Per order: 30 minutes after it, and a last call two hours before the 72-hour auto-close. */
  'unpaid-order-reminder': {
    id: 'unpaid-order-reminder',
    version: 1,
    name: 'Unpaid order reminder',
    // An order reported already paid needs no reminder.
    trigger: { type: 'event', event: 'order_placed', where: [{ property: 'paidAt', op: 'missing' }] },
    instanceKey: orderKey,
    steps: [
      { id: 'first-wait', type: 'wait', duration: { minutes: 30 } },
      {
        id: 'reminder',
        type: 'send',
        channel: 'sms',
        template: 'unpaid-reminder',
        purpose: 'transactional',
        priority: 9,
        expiresAfter: { hours: 2 },
      },
      { id: 'until-last-call', type: 'wait', duration: { hours: 69, minutes: 30 } },
      {
        id: 'last-call',
        type: 'send',
        channel: 'sms',
        template: 'unpaid-last-call',
        purpose: 'transactional',
        priority: 9,
        expiresAfter: { hours: 2 },
      },
    ],
    // A refund is no exit of its own: money can only go back on an order that was paid.
    exit: {
      events: [
        { event: 'order_paid', key: 'same' },
        { event: 'order_cancelled', key: 'same' },
      ],
    },
    reentry: { mode: 'never' },
  },

  /**
   * Per order, transactional: shipped with carrier and tracking number; then a notice on each
   * delivery update the shop forwards (arrived in the city, out for delivery, delivered), each
   * stage once and never one behind a later stage; the review request three days after delivered.
   * A shop that never reports delivered gets the review request a week after the latest news.
   */
  'order-care': {
    id: 'order-care',
    version: 1,
    name: 'Order care',
    trigger: { type: 'event', event: 'order_shipped' },
    instanceKey: orderKey,
    steps: [
      orderNotice('shipped', 'order-shipped', { days: 2 }),
      {
        // `next` (the timeout) keeps the step's former meaning, a week standing for "delivered", for
        // instances that waited here on a timer before delivery updates existed.
        id: 'until-delivered',
        type: 'waitForEvent',
        event: 'order_delivery_updated',
        key: 'same',
        timeout: { days: 7 },
        routes: [
          { where: [{ property: 'status', op: 'eq', value: 'delivered' }], goTo: 'delivered' },
          {
            where: [{ property: 'status', op: 'eq', value: 'out_for_delivery' }],
            goTo: 'out-for-delivery-once',
          },
        ],
        onEvent: 'arrived-once',
        next: 'review-time',
      },
      {
        id: 'arrived-once',
        type: 'branch',
        if: {
          type: 'any',
          of: [
            { type: 'visits', step: 'arrived', op: 'gte', value: 1 },
            { type: 'visits', step: 'out-for-delivery', op: 'gte', value: 1 },
          ],
        },
        goTo: 'until-delivered',
      },
      { ...orderNotice('arrived', 'order-arrived', { days: 1 }), next: 'until-delivered' },
      {
        id: 'out-for-delivery-once',
        type: 'branch',
        if: { type: 'visits', step: 'out-for-delivery', op: 'gte', value: 1 },
        goTo: 'until-delivered',
      },
      // Out for delivery is news for the day it is sent only.
      { ...orderNotice('out-for-delivery', 'order-out-for-delivery', { hours: 6 }), next: 'until-delivered' },
      orderNotice('delivered', 'order-delivered', { days: 1 }),
      { id: 'until-review', type: 'wait', duration: { days: 3 } },
      { id: 'review-time', type: 'waitUntil', at: '10:00', zone: 'customer' },
      {
        id: 'review-request',
        type: 'send',
        channel: 'email',
        template: 'review-request',
        purpose: 'transactional',
        priority: 3,
        expiresAfter: { days: 7 },
      },
    ],
    exit: {
      events: [
        { event: 'order_refunded', key: 'same' },
        { event: 'order_cancelled', key: 'same' },
      ],
    },
    reentry: { mode: 'never' },
  },

  /** On sign-up: account details at once, "need help?" on day 2, a feedback ask on day 5. */
  'welcome-series': {
    id: 'welcome-series',
    version: 1,
    name: 'Welcome series',
    trigger: { type: 'event', event: 'signed_up' },
    steps: [
      {
        id: 'account',
        type: 'send',
        channel: 'email',
        template: 'welcome-account',
        purpose: 'transactional',
        priority: 8,
      },
      { id: 'day-2', type: 'wait', duration: { days: 1 } },
      // The buying nudge is skipped once the customer has ordered; the feedback ask is not.
      { id: 'bought', type: 'branch', if: { type: 'did', event: 'order_placed' }, goTo: 'day-5' },
      {
        id: 'need-help',
        type: 'send',
        channel: 'email',
        template: 'welcome-need-help',
        purpose: 'marketing',
        priority: 5,
        expiresAfter: { days: 1 },
      },
      { id: 'day-5', type: 'wait', duration: { days: 3 } },
      {
        id: 'feedback',
        type: 'send',
        channel: 'email',
        template: 'welcome-feedback',
        purpose: 'marketing',
        priority: 4,
        expiresAfter: { days: 2 },
      },
    ],
    reentry: { mode: 'never' },
  },

  /** A cart left an hour without change: 1 hour, day 2, day 3, day 5, day 7 with a discount. */
  'cart-abandonment': {
    id: 'cart-abandonment',
    version: 1,
    name: 'Cart abandonment',
    trigger: { type: 'event', event: 'cart_updated', where: [{ property: 'items.0', op: 'exists' }] },
    steps: [
      // Every change to the cart starts the hour again: the cart is "left" after an hour of quiet.
      {
        id: 'idle',
        type: 'waitForEvent',
        event: 'cart_updated',
        timeout: { hours: 1 },
        onEvent: 'idle',
      },
      cartSend('hour-1', 'cart-reminder', 6),
      { id: 'day-2', type: 'wait', duration: { days: 1 } },
      cartSend('reminder-2', 'cart-reminder', 5),
      { id: 'day-3', type: 'wait', duration: { days: 1 } },
      cartSend('reminder-3', 'cart-reminder', 5),
      { id: 'day-5', type: 'wait', duration: { days: 2 } },
      cartSend('reminder-5', 'cart-continue', 5),
      { id: 'day-7', type: 'wait', duration: { days: 2 } },
      { ...cartSend('discount', 'cart-discount', 7), coupon: 'from-100-3-off', expiresAfter: { days: 2 } },
    ],
    exit: {
      events: [
        { event: 'order_placed' },
        { event: 'cart_updated', where: [{ property: 'items.0', op: 'missing' }] },
      ],
    },
    // One running at a time; a cart left again after an order gets its own reminders.
    reentry: { mode: 'always' },
  },

  /**
   * Per product viewed: once it has gone a week without another look after three or more, its
   * reviews; no open or visit in the week after, a coupon; a click moves the customer to the
   * interested path.
   */
  'browse-abandonment': {
    id: 'browse-abandonment',
    version: 1,
    name: 'Browse abandonment',
    trigger: { type: 'event', event: 'page_viewed', where: [{ property: 'sku', op: 'exists' }] },
    instanceKey: 'sku',
    steps: [
      // Each visit to this step is one more view of the product (the trigger is the first).
      {
        id: 'views',
        type: 'waitForEvent',
        event: 'page_viewed',
        key: 'same',
        timeout: { days: 7 },
        onEvent: 'views',
      },
      {
        id: 'often',
        type: 'branch',
        if: { type: 'visits', step: 'views', op: 'gte', value: 3 },
        goTo: 'reviews',
        else: 'few-views',
      },
      { id: 'few-views', type: 'exit', reason: 'few-views' },
      {
        id: 'reviews',
        type: 'send',
        channel: 'email',
        template: 'browse-reviews',
        purpose: 'marketing',
        priority: 4,
        expiresAfter: { days: 2 },
      },
      {
        id: 'clicked',
        type: 'waitForEvent',
        event: 'message_clicked',
        timeout: { days: 7 },
        onEvent: 'interested',
        onTimeout: 'check-response',
      },
      {
        id: 'check-response',
        type: 'branch',
        if: {
          type: 'any',
          of: [
            { type: 'did', event: 'message_opened', within: { days: 7 } },
            { type: 'did', event: 'page_viewed', within: { days: 7 } },
          ],
        },
        goTo: 'responded',
      },
      {
        id: 'coupon',
        type: 'send',
        channel: 'email',
        template: 'browse-coupon',
        purpose: 'marketing',
        priority: 5,
        coupon: 'from-100-3-off',
        expiresAfter: { days: 2 },
      },
      { id: 'responded', type: 'exit', reason: 'responded' },
      { id: 'interested', type: 'setTrait', trait: 'interestedActive', value: true },
      {
        id: 'interested-path',
        type: 'send',
        channel: 'email',
        template: 'browse-interested',
        purpose: 'marketing',
        priority: 5,
        expiresAfter: { days: 2 },
      },
    ],
    exit: { events: [{ event: 'order_placed' }] },
    reentry: { mode: 'afterDays', days: 30 },
  },

  /** After the first order: thanks, care content for what was bought, then a coupon toward the second. */
  'honeymoon-care': {
    id: 'honeymoon-care',
    version: 1,
    name: 'Honeymoon care',
    trigger: { type: 'event', event: 'order_paid' },
    instanceKey: orderKey,
    entry: { when: { type: 'stat', stat: 'paidOrderCount', op: 'lte', value: 1 } },
    steps: [
      {
        id: 'thanks',
        type: 'send',
        channel: 'email',
        template: 'honeymoon-thanks',
        purpose: 'marketing',
        priority: 6,
        expiresAfter: { days: 2 },
      },
      { id: 'settle-in', type: 'wait', duration: { days: 3 } },
      { id: 'care-time', type: 'waitUntil', at: '10:00', zone: 'customer' },
      {
        id: 'care',
        type: 'send',
        channel: 'email',
        template: 'honeymoon-care-content',
        purpose: 'marketing',
        priority: 5,
        expiresAfter: { days: 3 },
      },
      { id: 'before-coupon', type: 'wait', duration: { days: 10 } },
      {
        id: 'second-order-coupon',
        type: 'send',
        channel: 'email',
        template: 'honeymoon-coupon',
        purpose: 'marketing',
        priority: 6,
        coupon: 'from-100-3-off',
        expiresAfter: { days: 3 },
      },
    ],
    exit: {
      events: [
        { event: 'order_placed', key: 'other' },
        { event: 'order_refunded', key: 'same' },
        { event: 'order_cancelled', key: 'same' },
      ],
    },
    reentry: { mode: 'never' },
  },

  'tier-change': {
    id: 'tier-change',
    version: 1,
    name: 'Tier change',
    // A move between tiers; the first tier a new buyer lands in is no news worth a message.
    trigger: { type: 'event', event: 'tier_changed', where: [{ property: 'from', op: 'exists' }] },
    steps: [
      {
        id: 'notice',
        type: 'send',
        channel: 'email',
        template: 'tier-changed',
        purpose: 'transactional',
        priority: 6,
        expiresAfter: { days: 3 },
      },
    ],
    reentry: { mode: 'always' },
  },

  /** On the day, 09:00 on the customer's clock (the shop's when unknown), once a year. */
  birthday: {
    id: 'birthday',
    version: 1,
    name: 'Birthday',
    trigger: { type: 'date', date: 'birthday', at: '09:00', zone: 'customer' },
    instanceKey: 'on',
    steps: [
      {
        id: 'greeting',
        type: 'send',
        channel: 'email',
        template: 'birthday',
        purpose: 'marketing',
        priority: 8,
        coupon: 'from-150-5-off',
        // A birthday greeting is not sent the day after.
        expiresAfter: { hours: 12 },
      },
    ],
    reentry: { mode: 'always' },
  },

  /** Every holiday of the shop's calendar (defaults: calendar.ts), 10:00 shop time. */
  'holiday-care': {
    id: 'holiday-care',
    version: 1,
    name: 'Holiday care',
    trigger: { type: 'holiday', at: '10:00' },
    instanceKey: 'holiday',
    steps: [
      {
        id: 'greeting',
        type: 'send',
        channel: 'email',
        template: 'holiday-care',
        purpose: 'marketing',
        priority: 4,
        expiresAfter: { hours: 10 },
      },
    ],
    // Once per holiday a year (the key is the holiday).
    reentry: { mode: 'afterDays', days: 300 },
  },

  /** Three days before the predicted next order, 10:00 on the customer's clock. */
  'repurchase-reminder': {
    id: 'repurchase-reminder',
    version: 1,
    name: 'Repurchase reminder',
    // The nightly refresh places her in `repurchase-due` when her predicted next order is a week off:
    // the prediction exists then, made from every order she has placed.
    trigger: { type: 'segment', segments: ['repurchase-due'], on: 'entered' },
    steps: [
      { id: 'until-due', type: 'waitUntilDate', date: 'predictedNextOrderAt', daysBefore: 3, at: '10:00' },
      {
        id: 'reminder',
        type: 'send',
        channel: 'email',
        template: 'repurchase-reminder',
        purpose: 'marketing',
        priority: 5,
        expiresAfter: { days: 3 },
      },
    ],
    exit: { events: [{ event: 'order_placed' }] },
    reentry: { mode: 'always' },
  },

  /** On going at-risk or dormant: a note, then free shipping, 3 off, 5 off; stops once the model says gone. */
  'dormant-win-back': {
    id: 'dormant-win-back',
    version: 1,
    name: 'Dormant win-back',
    trigger: { type: 'segment', segments: ['lifecycle:at-risk', 'lifecycle:dormant'], on: 'entered' },
    steps: [
      winBack('miss-you', 'winback-miss-you', undefined),
      { id: 'wait-1', type: 'wait', duration: { days: 7 } },
      winBack('free-shipping', 'winback-offer', 'free-shipping-80'),
      { id: 'wait-2', type: 'wait', duration: { days: 14 } },
      winBack('three-off', 'winback-offer', 'from-100-3-off'),
      { id: 'wait-3', type: 'wait', duration: { days: 14 } },
      winBack('five-off', 'winback-last', 'from-150-5-off'),
    ],
    exit: {
      events: [{ event: 'order_placed' }],
      when: { type: 'stat', stat: 'pAlive', op: 'lt', value: 0.1 },
    },
    reentry: { mode: 'afterDays', days: 90 },
  },

  'after-big-sale': afterBigSale({}),
} satisfies Record<string, JourneyDefinitionInput>;

export type PlaybookId = keyof typeof playbooks;
export const playbookIds = Object.keys(playbooks) as PlaybookId[];

/** A playbook as a validated definition (throws ValidationError if the library were wrong). */
export function playbook(id: PlaybookId): JourneyDefinition {
  return parseDefinition(playbooks[id]);
}

function cartSend(id: string, template: string, priority: number) {
  return {
    id,
    type: 'send' as const,
    channel: 'email' as const,
    template,
    purpose: 'marketing' as const,
    priority,
    expiresAfter: { hours: 20 },
  };
}

function winBack(id: string, template: string, coupon: string | undefined) {
  return {
    id,
    type: 'send' as const,
    channel: 'email' as const,
    template,
    purpose: 'marketing' as const,
    priority: 4,
    expiresAfter: { days: 5 },
    ...(coupon ? { coupon } : {}),
  };
}

/**
 * After a big sale: new customers whose first order reached `minSpend` get thanks and a coupon,
 * then, while they have not ordered again, another every month, up to five times. `from`/`until`
 * bound the sale (left out: any big first order qualifies).
 */
export function afterBigSale(sale: {
  from?: string;
  until?: string;
  minSpend?: number;
}): JourneyDefinitionInput {
  return {
    id: 'after-big-sale',
    version: 1,
    name: 'After a big sale',
    trigger: {
      type: 'event',
      event: 'order_placed',
      where: [{ property: 'total', op: 'gte', value: sale.minSpend ?? 299 }],
    },
    instanceKey: orderKey,
    entry: {
      when: { type: 'stat', stat: 'paidOrderCount', op: 'lte', value: 1 },
      ...(sale.from ? { from: sale.from } : {}),
      ...(sale.until ? { until: sale.until } : {}),
    },
    steps: [
      {
        id: 'thanks',
        type: 'send',
        channel: 'email',
        template: 'sale-thanks',
        purpose: 'marketing',
        priority: 5,
        coupon: 'from-150-5-off',
        expiresAfter: { days: 3 },
      },
      { id: 'month', type: 'wait', duration: { days: 30 } },
      {
        id: 'again',
        type: 'branch',
        if: { type: 'visits', step: 'come-back', op: 'lt', value: 5 },
        goTo: 'come-back',
        else: 'done',
      },
      {
        id: 'come-back',
        type: 'send',
        channel: 'email',
        template: 'sale-come-back',
        purpose: 'marketing',
        priority: 4,
        coupon: 'from-100-3-off',
        expiresAfter: { days: 5 },
        next: 'month',
      },
      { id: 'done', type: 'exit', reason: 'offers-used-up' },
    ],
    // Coming back (another order) is what the offers are for.
    exit: { events: [{ event: 'order_placed', key: 'other' }] },
    reentry: { mode: 'never' },
  };
}
