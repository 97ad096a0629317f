import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { isBuiltInSegment } from '../../../../../shared/domain/segments/engine.js';
import {
  type CustomerFeatures,
  compileSegments,
  evaluate,
  type SegmentRule,
} from '../../../../../shared/domain/segments/rules.js';
import { buyer, customer, daysAgo, now } from './customer.js';

const features = (over: Partial<CustomerFeatures> = {}): CustomerFeatures => ({
  input: buyer(3, 200, 10, {
    totalSpend: 79_950,
    traits: {
      region: 'Zhejiang',
      tags: ['wholesale'],
      consent: { sms: { marketing: true } },
      suppressed: { email: 'bounced' },
    },
    cartUpdatedAt: daysAgo(2),
    interestedCategories: ['green tea'],
  }),
  recency: 5,
  frequency: 4,
  monetary: 5,
  rfmCell: 'champions',
  lifecycle: 'repeat',
  activity: 'active',
  gold: true,
  discountShare: 0,
  saleDayOneTimer: false,
  priceSensitive: false,
  pAlive: null,
  ...over,
});
const ctx = { nowMs: now.getTime(), isMember: (id: string) => id === 'rfm:champions' };
const holds = (rule: SegmentRule, f = features()) => evaluate(rule, f, ctx);
const issues = (definitions: unknown) => {
  try {
    compileSegments(definitions, isBuiltInSegment);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
};

describe('conditions', () => {
  it('read traits, tags and consent (never on a suppressed channel)', () => {
    expect(holds({ kind: 'trait', trait: 'region', in: ['Zhejiang', 'Jiangsu'] })).toBe(true);
    expect(holds({ kind: 'trait', trait: 'region', equals: 'Fujian' })).toBe(false);
    expect(holds({ kind: 'trait', trait: 'email' })).toBe(false);
    expect(holds({ kind: 'tag', tag: 'wholesale' })).toBe(true);
    expect(holds({ kind: 'consent', channel: 'sms', purpose: 'marketing' })).toBe(true);
    expect(holds({ kind: 'consent', channel: 'sms', purpose: 'care' })).toBe(false);
  });

  it('compare money in currency units', () => {
    expect(holds({ kind: 'stat', stat: 'totalSpend', op: 'gte', value: 799.5 })).toBe(true);
    expect(holds({ kind: 'stat', stat: 'totalSpend', op: 'gt', value: 799.5 })).toBe(false);
    expect(holds({ kind: 'stat', stat: 'averageOrderValue', op: 'eq', value: 266.5 })).toBe(true);
    expect(holds({ kind: 'stat', stat: 'paidOrderCount', op: 'ne', value: 2 })).toBe(true);
  });

  it('compare days since, and hold for no one who lacks the date', () => {
    expect(holds({ kind: 'stat', stat: 'daysSinceLastOrder', op: 'lte', value: 10 })).toBe(true);
    expect(holds({ kind: 'stat', stat: 'daysSinceFirstOrder', op: 'gt', value: 199 })).toBe(true);
    const never = features({ input: customer() });
    expect(holds({ kind: 'stat', stat: 'daysSinceLastOrder', op: 'gt', value: 0 }, never)).toBe(false);
    expect(holds({ kind: 'stat', stat: 'daysSinceLastOrder', op: 'ne', value: 5 }, never)).toBe(false);
  });

  it('compare days until the predicted next order, negative when overdue, never without one', () => {
    const due = (at: number | null | undefined) =>
      features({ input: buyer(2, 60, 20, at === undefined ? {} : { predictedOrderAt: at }) });
    const within7 = { kind: 'stat', stat: 'daysUntilPredictedOrder', op: 'lte', value: 7 } as const;
    expect(holds(within7, due(daysAgo(-6.5)))).toBe(true);
    expect(holds(within7, due(daysAgo(-7.5)))).toBe(false);
    expect(holds({ ...within7, op: 'eq', value: -2 }, due(daysAgo(2)))).toBe(true);
    expect(holds(within7, due(null))).toBe(false);
    expect(holds(within7, due(undefined))).toBe(false);
  });

  it('read the built-in features', () => {
    expect(holds({ kind: 'rfm-cell', cells: ['champions', 'loyal'] })).toBe(true);
    expect(holds({ kind: 'rfm-score', score: 'frequency', op: 'gte', value: 4 })).toBe(true);
    expect(holds({ kind: 'lifecycle', stages: ['loyal'] })).toBe(false);
    expect(holds({ kind: 'activity', levels: ['active', 'warm'] })).toBe(true);
    expect(holds({ kind: 'gold' })).toBe(true);
    expect(holds({ kind: 'price-sensitive' })).toBe(false);
    expect(holds({ kind: 'interested', category: 'green tea' })).toBe(true);
    expect(holds({ kind: 'interested', product: 'GT-1' })).toBe(false);
  });

  it('ask whether an event happened within a window, or did not', () => {
    expect(holds({ kind: 'event', event: 'carted', performed: true, withinDays: 3 })).toBe(true);
    expect(holds({ kind: 'event', event: 'ordered', performed: true, withinDays: 7 })).toBe(false);
    expect(holds({ kind: 'event', event: 'ordered', performed: false, withinDays: 7 })).toBe(true);
    expect(holds({ kind: 'event', event: 'unpaid-order', performed: true, withinDays: 30 })).toBe(false);
  });

  it('combine with all, any and not', () => {
    const gold = { kind: 'gold' } as const;
    const wholesale = { kind: 'tag', tag: 'retail' } as const;
    expect(holds({ kind: 'all', rules: [gold, wholesale] })).toBe(false);
    expect(holds({ kind: 'any', rules: [gold, wholesale] })).toBe(true);
    expect(holds({ kind: 'not', rule: { kind: 'all', rules: [gold, wholesale] } })).toBe(true);
  });

  it('ask about membership of other segments', () => {
    expect(holds({ kind: 'segment', id: 'rfm:champions' })).toBe(true);
    expect(holds({ kind: 'segment', id: 'gold' })).toBe(false);
  });
});

describe('validation', () => {
  it('reports shape errors by path', () => {
    expect(
      issues([
        {
          id: 'Big Spenders',
          rule: {
            kind: 'all',
            rules: [
              { kind: 'stat', stat: 'totalSpend', op: 'gte', value: 'lots' },
              { kind: 'lifecycle', stages: ['sleepy'] },
              { kind: 'interested', category: 'tea', product: 'GT-1' },
              { kind: 'teleported' },
            ],
          },
        },
      ]),
    ).toEqual([
      '0.id: lower-case letters, digits, - and _, at most 64',
      expect.stringMatching(/^0\.rule\.rules\.0\.value: /),
      expect.stringMatching(/^0\.rule\.rules\.1\.stages\.0: /),
      '0.rule.rules.2.category: give exactly one of category or product',
      expect.stringMatching(/^0\.rule\.rules\.3\.kind: /),
    ]);
  });

  it('refuses unknown segments and duplicate ids', () => {
    expect(
      issues([
        { id: 'a', rule: { kind: 'segment', id: 'rfm:sleepy' } },
        { id: 'a', rule: { kind: 'not', rule: { kind: 'segment', id: 'nowhere' } } },
      ]),
    ).toEqual([
      '1.id: duplicates segment 0',
      '0.rule.id: no segment rfm:sleepy',
      '1.rule.rule.id: no segment nowhere',
    ]);
  });

  it('refuses a cycle of memberships, naming it', () => {
    expect(
      issues([
        { id: 'a', rule: { kind: 'any', rules: [{ kind: 'gold' }, { kind: 'segment', id: 'b' }] } },
        { id: 'b', rule: { kind: 'segment', id: 'c' } },
        { id: 'c', rule: { kind: 'segment', id: 'a' } },
      ]),
    ).toEqual(['2.rule.id: refers to itself through a → b → c → a']);
    expect(issues([{ id: 'self', rule: { kind: 'segment', id: 'self' } }])).toEqual([
      '0.rule.id: refers to itself through self → self',
    ]);
  });

  it('takes discover: ids for discovery groups, and no other namespace', () => {
    expect(issues([{ id: 'discover:x', rule: { kind: 'gold' } }])).toEqual([]);
    expect(issues([{ id: 'rfm:x', rule: { kind: 'gold' } }])).toEqual([
      '0.id: lower-case letters, digits, - and _, at most 64',
    ]);
  });

  it('orders segments after those they refer to', () => {
    const order = compileSegments(
      [
        { id: 'winback', rule: { kind: 'segment', id: 'slipping' } },
        { id: 'slipping', rule: { kind: 'segment', id: 'lifecycle:at-risk' } },
      ],
      isBuiltInSegment,
    ).map((s) => s.id);
    expect(order).toEqual(['slipping', 'winback']);
  });
});
