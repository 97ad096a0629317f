import { describe, expect, it } from 'vitest';
import { assessShopHealth, countsInWindow } from '../../../../../shared/domain/sending/shop-health.js';

describe('shop health', () => {
  it('pauses a shop whose bounce rate passes 2%, and says why', () => {
    const verdict = assessShopHealth({ sent: 10_000, bounces: 201, complaints: 0 });
    expect(verdict.action).toBe('pause');
    if (verdict.action !== 'pause') return;
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toMatchObject({ kind: 'bounce-rate', rate: 0.0201, threshold: 0.02 });
    expect(verdict.reasons[0]?.message).toContain('2.01%');
  });

  it('keeps sending at exactly the thresholds', () => {
    expect(assessShopHealth({ sent: 10_000, bounces: 200, complaints: 8 })).toEqual({
      action: 'ok',
      bounceRate: 0.02,
      complaintRate: 0.0008,
    });
  });

  it('pauses on complaints past 0.08%, with both reasons when both are over', () => {
    const complaints = assessShopHealth({ sent: 10_000, bounces: 0, complaints: 9 });
    expect(complaints.action === 'pause' && complaints.reasons.map((r) => r.kind)).toEqual([
      'complaint-rate',
    ]);
    const both = assessShopHealth({ sent: 10_000, bounces: 500, complaints: 20 });
    expect(both.action === 'pause' && both.reasons.map((r) => r.kind)).toEqual([
      'bounce-rate',
      'complaint-rate',
    ]);
  });

  it('does not judge a rate on too few sends', () => {
    expect(assessShopHealth({ sent: 50, bounces: 5, complaints: 1 })).toEqual({
      action: 'too-few-sends',
      sent: 50,
      minimumSends: 500,
    });
  });

  it('adds up the days of the window only', () => {
    const day = (d: string, sent: number, bounces: number) => ({ day: d, sent, bounces, complaints: 1 });
    const days = [day('2025-02-21', 1_000, 900), day('2025-02-22', 300, 3), day('2025-02-28', 400, 10)];
    expect(countsInWindow(days, '2025-02-28')).toEqual({ sent: 700, bounces: 13, complaints: 2 });
    expect(countsInWindow(days, '2025-02-27')).toEqual({ sent: 1_300, bounces: 903, complaints: 2 });
  });
});
