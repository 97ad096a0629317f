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

  it('leaves the tier’s benefits to the dispatch, which knows the shop', () => {
    expect(messageDataOf(event('tier_changed', { from: 'member', to: 'vip' })).tierChange?.benefits).toEqual(
      [],
    );
  });

  it('gives the cart reminder the cart’s lines as the shop described them', () => {
    expect(
      messageDataOf(
        event('cart_updated', {
          items: [
            {
              sku: 'pot',
              name: 'Teapot',
              category: 'teaware',
              price: 129,
              quantity: 1,
              url: 'https://tea.example/pot',
              imageUrl: 'https://tea.example/pot.jpg',
            },
            { sku: 'cup', price: 19.9, quantity: 2 },
          ],
        }),
      ),
    ).toEqual({
      products: [
        {
          sku: 'pot',
          name: 'Teapot',
          category: 'teaware',
          price: 129,
          url: 'https://tea.example/pot',
          imageUrl: 'https://tea.example/pot.jpg',
        },
        // Nameless: the sender shows it by its SKU.
        { sku: 'cup', price: 19.9 },
      ],
    });
  });

  it('gives the browse reminder the product viewed: its page, name, picture, category and price when sent', () => {
    expect(
      messageDataOf(
        event('page_viewed', {
          url: 'https://tea.example/p/longjing',
          sku: 'longjing-250',
          category: 'green-tea',
          name: 'Longjing 250 g',
          imageUrl: 'https://tea.example/longjing.jpg',
          price: 79,
        }),
      ),
    ).toEqual({
      products: [
        {
          sku: 'longjing-250',
          url: 'https://tea.example/p/longjing',
          category: 'green-tea',
          name: 'Longjing 250 g',
          imageUrl: 'https://tea.example/longjing.jpg',
          price: 79,
        },
      ],
    });
    expect(messageDataOf(event('page_viewed', { url: '/p/longjing', sku: 'longjing-250' }))).toEqual({
      products: [{ sku: 'longjing-250', url: '/p/longjing' }],
    });
  });

  it('adds nothing for a trigger that names no order, tier or product', () => {
    expect(messageDataOf(event('signed_up', {}))).toEqual({});
    expect(messageDataOf(event('cart_updated', { items: [] }))).toEqual({});
    expect(messageDataOf(event('page_viewed', { url: 'https://tea.example/' }))).toEqual({});
  });
});
