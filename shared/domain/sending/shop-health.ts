/**
 * A shop's sending health. huitou pauses a shop's email well before SES's own review thresholds
 * (SES reviews at a 5% bounce or 0.1% complaint rate), so one shop's list cannot endanger the
 * account or its own tenant's reputation, and says why.
 */

export interface SendingCounts {
  /** Emails sent in the window. */
  sent: number;
  /** Permanent (hard) bounces of those: transient ones say nothing about the list. */
  bounces: number;
  complaints: number;
}

export interface HealthPolicy {
  /** Pause above this bounce rate. */
  maxBounceRate: number;
  /** Pause above this complaint rate. */
  maxComplaintRate: number;
  /** Below this many sends a rate is noise: two bounces in fifty sends pause nobody. */
  minimumSends: number;
  windowDays: number;
}

export const defaultHealthPolicy: HealthPolicy = {
  maxBounceRate: 0.02,
  maxComplaintRate: 0.0008,
  minimumSends: 500,
  windowDays: 7,
};

export interface PauseReason {
  kind: 'bounce-rate' | 'complaint-rate';
  rate: number;
  threshold: number;
  message: string;
}

export type HealthVerdict =
  | { action: 'ok'; bounceRate: number; complaintRate: number }
  | { action: 'too-few-sends'; sent: number; minimumSends: number }
  | { action: 'pause'; reasons: PauseReason[] };

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

export function assessShopHealth(
  counts: SendingCounts,
  policy: HealthPolicy = defaultHealthPolicy,
): HealthVerdict {
  if (counts.sent < policy.minimumSends)
    return { action: 'too-few-sends', sent: counts.sent, minimumSends: policy.minimumSends };
  const bounceRate = counts.bounces / counts.sent;
  const complaintRate = counts.complaints / counts.sent;
  const reasons: PauseReason[] = [];
  const over = `over the last ${policy.windowDays} days (${counts.sent} emails)`;
  if (bounceRate > policy.maxBounceRate)
    reasons.push({
      kind: 'bounce-rate',
      rate: bounceRate,
      threshold: policy.maxBounceRate,
      message: `Bounce rate ${percent(bounceRate)} ${over} is above ${percent(policy.maxBounceRate)}: clean the list of invalid addresses before sending again.`,
    });
  if (complaintRate > policy.maxComplaintRate)
    reasons.push({
      kind: 'complaint-rate',
      rate: complaintRate,
      threshold: policy.maxComplaintRate,
      message: `Complaint rate ${percent(complaintRate)} ${over} is above ${percent(policy.maxComplaintRate)}: send only to customers who asked for mail, and less often.`,
    });
  return reasons.length > 0 ? { action: 'pause', reasons } : { action: 'ok', bounceRate, complaintRate };
}

export interface DailyCounts extends SendingCounts {
  /** YYYY-MM-DD. */
  day: string;
}

/** Adds up the days of the policy's window ending on `today` (inclusive), from per-day counters. */
export function countsInWindow(
  days: readonly DailyCounts[],
  today: string,
  policy: HealthPolicy = defaultHealthPolicy,
): SendingCounts {
  const first = new Date(Date.parse(`${today}T00:00:00Z`) - (policy.windowDays - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return days
    .filter((d) => d.day >= first && d.day <= today)
    .reduce(
      (sum, d) => ({
        sent: sum.sent + d.sent,
        bounces: sum.bounces + d.bounces,
        complaints: sum.complaints + d.complaints,
      }),
      {
        sent: 0,
        bounces: 0,
        complaints: 0,
      },
    );
}
