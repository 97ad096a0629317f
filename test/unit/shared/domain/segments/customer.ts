import type { CustomerInput } from '../../../../../shared/domain/segments/features.js';

/** The instant tests run at, and instants that many days before it. */
export const now = new Date('2026-11-23T00:00:00.000Z');
export const daysAgo = (days: number): number => now.getTime() - days * 86_400_000;

/** A customer who never bought nor was seen, with what the test says on top. */
export function customer(over: Partial<CustomerInput> = {}): CustomerInput {
  return {
    customerId: 'c',
    paidOrderCount: 0,
    totalSpend: 0,
    discountedOrderCount: 0,
    purchaseDays: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    lastSeenAt: null,
    firstOrderDay: null,
    recentContacts: 0,
    cartUpdatedAt: null,
    unpaidOrders: 0,
    lastUnpaidOrderAt: null,
    interestedCategories: [],
    interestedProducts: [],
    traits: null,
    ...over,
  };
}

/** A buyer of `orders` orders, the first `first` and the last `last` days ago. */
export function buyer(orders: number, first: number, last = first, over: Partial<CustomerInput> = {}) {
  return customer({
    paidOrderCount: orders,
    purchaseDays: orders,
    totalSpend: orders * 10_000,
    firstOrderAt: daysAgo(first),
    lastOrderAt: daysAgo(last),
    lastSeenAt: daysAgo(last),
    ...over,
  });
}
