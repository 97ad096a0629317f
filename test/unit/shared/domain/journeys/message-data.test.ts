import { describe, expect, it } from 'vitest';
import { messageDataOf } from '../../../../../shared/domain/journeys/message-data.js';

const event = (type: string, properties: Record<string, unknown>) => ({
  id: 'e1',
  type,
  occurredAt: '2026-11-02T08:00:00.000Z',
  properties,
});

describe('what a journey message tells of its trigger', () => {
  it('gives the shipping notice the order, its carrier and tracking number', () => {
    expect(
      messageDataOf(
        event('order_shipped', { orderId: 'SO-1', carrier: 'SF Express', trackingNumber: 'SF1' }),
      ),
    ).toEqual({ order: { id: 'SO-1', carrier: 'SF Express', tracking_number: 'SF1' } });
  });

  it('gives per-order reminders the order and its total', () => {
    expect(
      messageDataOf(event('order_placed', { orderId: 'SO-2', total: 79.5, currency: 'CNY', items: [] })),
    ).toEqual({ order: { id: 'SO-2', total: 79.5, currency: 'CNY' } });
  });

  it('gives the tier change notice the new tier and the old one', () => {
    expect(messageDataOf(event('tier_changed', { from: 'member', to: 'vip' }))).toEqual({
      tierChange: { from: 'member', to: 'vip', benefits: [] },
    });
    expect(messageDataOf(event('tier_changed', { from: null, to: 'member' }))).toEqual({
      tierChange: { to: 'member', benefits: [] },
    });
  });

  it('adds nothing for a trigger that names no order or tier', () => {
    expect(messageDataOf(event('signed_up', {}))).toEqual({});
    expect(messageDataOf(event('cart_updated', { items: [] }))).toEqual({});
  });
});
