import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  idempotencyKey,
  type SendIntent,
  sendIdOf,
} from '../../../../../shared/domain/sending/send-identity.js';

const intent: SendIntent = {
  shopId: 'shop-1',
  customerId: 'c-42',
  source: { kind: 'journey', journeyId: 'cart-abandonment' },
  step: 'day-2',
  occurrence: 'cart-9',
};

const intents = fc.record({
  shopId: fc.string(),
  customerId: fc.string(),
  source: fc.oneof(
    fc.record({ kind: fc.constant('campaign' as const), campaignId: fc.string() }),
    fc.record({ kind: fc.constant('journey' as const), journeyId: fc.string() }),
  ),
  step: fc.string(),
  occurrence: fc.string(),
});

describe('send identity', () => {
  it('is the same for every retry of one intended message', () => {
    expect(sendIdOf({ ...intent })).toBe(sendIdOf(structuredClone(intent)));
    expect(sendIdOf(intent)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs when any part differs', () => {
    const variants: SendIntent[] = [
      { ...intent, shopId: 'shop-2' },
      { ...intent, customerId: 'c-43' },
      { ...intent, source: { kind: 'campaign', campaignId: 'cart-abandonment' } },
      { ...intent, source: { kind: 'journey', journeyId: 'welcome' } },
      { ...intent, step: 'day-3' },
      { ...intent, occurrence: 'cart-10' },
    ];
    const ids = new Set([intent, ...variants].map(sendIdOf));
    expect(ids.size).toBe(variants.length + 1);
  });

  it('cannot be made to collide by moving a separator between parts', () => {
    const a = { ...intent, step: 'a|b', occurrence: 'c' };
    const b = { ...intent, step: 'a', occurrence: 'b|c' };
    expect(idempotencyKey(a)).not.toBe(idempotencyKey(b));
    fc.assert(
      fc.property(intents, intents, (x, y) => {
        const same = JSON.stringify(x) === JSON.stringify(y);
        expect(idempotencyKey(x) === idempotencyKey(y)).toBe(same);
      }),
    );
  });
});
