import type { SendRecord } from '../../shared/domain/sending/send-request.js';
import { sendRecord } from './fakes/send-records.js';

const day = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

/**
 * A campaign as the sender and the stream leave it: 1,000 customers sent to on 2 November (Beijing
 * morning), 200 held out, 30 in the global control, 40 skipped; of those sent to, 920 delivered,
 * 400 opened, 120 clicked, 12 bounced. 150 sent-to customers ordered within the window (100
 * credited to a click or open, spread over the next five days, 50 in the window only) and 10 held
 * out ones; every order 100 CNY. Each email cost 0.0001 USD.
 */
export function liftCampaign(campaignId = 'double-11'): SendRecord[] {
  const start = Date.parse('2026-11-02T01:00:00.000Z');
  const records: SendRecord[] = [];
  for (let i = 0; i < 1000; i++) {
    const touches = [
      ...(i < 920 ? [{ status: 'delivered' as const, at: iso(start + 5 * 60_000) }] : []),
      ...(i < 400 ? [{ status: 'opened' as const, at: iso(start + 3_600_000) }] : []),
      ...(i < 120 ? [{ status: 'clicked' as const, at: iso(start + 3_700_000) }] : []),
      ...(i >= 988 ? [{ status: 'bounced' as const, at: iso(start + 5 * 60_000) }] : []),
    ];
    const orderAt = iso(start + (1 + (i % 5)) * day - 3_600_000);
    const conversion =
      i < 150
        ? {
            orderId: `o-${i}`,
            revenue: 100,
            currency: 'CNY',
            at: orderAt,
            by: i < 100 ? ((i < 60 ? 'clicked' : 'opened') as 'clicked' | 'opened') : ('window' as const),
          }
        : undefined;
    records.push(
      sendRecord({
        sendId: `${campaignId}-t${i}`,
        customerId: `t${i}`,
        source: { kind: 'campaign', campaignId },
        requestedAt: iso(start),
        touches,
        costMicros: 100,
        ...(conversion ? { conversion } : {}),
      }),
    );
  }
  for (let i = 0; i < 200; i++)
    records.push(
      sendRecord({
        sendId: `${campaignId}-h${i}`,
        customerId: `h${i}`,
        source: { kind: 'campaign', campaignId },
        requestedAt: iso(start),
        withheld: 'held-out',
        ...(i < 10
          ? {
              conversion: {
                orderId: `oh-${i}`,
                revenue: 100,
                currency: 'CNY',
                at: iso(start + 2 * day),
                by: 'window',
              },
            }
          : {}),
      }),
    );
  for (let i = 0; i < 70; i++)
    records.push(
      sendRecord({
        sendId: `${campaignId}-n${i}`,
        customerId: `n${i}`,
        source: { kind: 'campaign', campaignId },
        requestedAt: iso(start),
        ...(i < 30 ? { withheld: 'global-control' } : { skipped: i < 60 ? 'no-consent' : 'suppressed' }),
      }),
    );
  return records;
}
