import type { JourneyEvent } from './triggers.js';

/**
 * What a journey's message tells about the event that started it, in the shape the sender's
 * templates read (`order`, `tierChange`; send-request.ts): the order and its shipment for the
 * per-order playbooks, the new tier for the tier change notice. Other triggers add nothing.
 */
export interface TriggerMessageData {
  order?: { id: string; total?: number; currency?: string; carrier?: string; tracking_number?: string };
  tierChange?: { from?: string; to: string; benefits: string[] };
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function messageDataOf(trigger: JourneyEvent): TriggerMessageData {
  const p = trigger.properties;
  if (trigger.type === 'tier_changed') {
    const to = text(p.to);
    if (!to) return {};
    const from = text(p.from);
    return { tierChange: { ...(from ? { from } : {}), to, benefits: [] } };
  }
  const id = text(p.orderId);
  if (!id) return {};
  const carrier = text(p.carrier);
  const trackingNumber = text(p.trackingNumber);
  const currency = text(p.currency);
  return {
    order: {
      id,
      ...(typeof p.total === 'number' ? { total: p.total } : {}),
      ...(currency ? { currency } : {}),
      ...(carrier ? { carrier } : {}),
      ...(trackingNumber ? { tracking_number: trackingNumber } : {}),
    },
  };
}
