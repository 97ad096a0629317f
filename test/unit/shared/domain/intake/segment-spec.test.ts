import { describe, expect, it } from 'vitest';
import { shopEventSchema } from '../../../../../shared/domain/customers/events.js';
import { translateSegment } from '../../../../../shared/domain/intake/segment-spec.js';

describe('Segment intake', () => {
  it('maps "Order Cancelled" onto order_cancelled with its order and reason', () => {
    const out = translateSegment('track', {
      messageId: 'm-1',
      timestamp: '2026-05-01T10:00:00.000Z',
      userId: 'c-1',
      event: 'Order Cancelled',
      properties: { order_id: 'SO-1', reason: 'out of stock', total: 79 },
    });
    expect(out.events).toEqual([
      {
        id: 'm-1',
        type: 'order_cancelled',
        occurredAt: '2026-05-01T10:00:00.000Z',
        customerId: 'c-1',
        properties: { orderId: 'SO-1', reason: 'out of stock' },
      },
    ]);
    expect(shopEventSchema.safeParse(out.events[0]).success).toBe(true);
  });
});
