import { z } from 'zod';
import { type AttributionWindow, defaultAttributionWindow } from './attribution.js';
import type { PauseReason } from './shop-health.js';

/**
 * A shop's sending settings, as the shop sets them (`PUT /v1/settings/sending`): who its mail is
 * from, where replies go, how long an order after a send is credited to it, the most one SMS may
 * cost, the hosts its messages may link to (click links to any other host are not made, and never
 * followed). The pause state is huitou's, shown beside them and never set by the shop.
 */

const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$/i, 'a host name, or *.domain for its subdomains');

export const sendingSettingsSchema = z.strictObject({
  from: z
    .strictObject({
      address: z.email(),
      /** Shown as the sender's name: `Tea House <care@tea.example>`. */
      name: z.string().min(1).max(100).optional(),
    })
    .optional(),
  replyTo: z.array(z.email()).max(5).optional(),
  attributionWindow: z
    .strictObject({
      afterEngagementDays: z.number().positive().max(90),
      afterDeliveryDays: z.number().positive().max(90),
    })
    .optional(),
  /** US dollars; SNS refuses a route dearer than this. */
  smsMaxPriceUsd: z.number().positive().max(1).optional(),
  allowedHosts: z.array(host).max(50).optional(),
  /** The shop's site, for templates. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  marketingConsent: z.enum(['opt-in', 'opt-out']).optional(),
});
export type SendingSettingsInput = z.infer<typeof sendingSettingsSchema>;

/** What the shop has set; unset fields fall back to the defaults (sendingSettingsView). */
export interface SendingSettings {
  from?: { address: string; name?: string };
  replyTo?: string[];
  attributionWindow?: AttributionWindow;
  smsMaxPriceUsd?: number;
  /** Hosts click links may lead to. */
  allowedHosts: string[];
  /** The shop's site, for templates. */
  url?: string;
  /** Whether marketing needs a customer's explicit yes (default) or only the absence of a no. */
  marketingConsent: 'opt-in' | 'opt-out';
}

/** The most an SMS may cost where the shop has not said (US$; the US list price is 0.00645). */
export const defaultSmsMaxPriceUsd = 0.05;

/** The settings as the API shows them: every default filled in, the pause read-only. */
export function sendingSettingsView(
  settings: SendingSettings & { paused?: { at: string; reasons: PauseReason[] } },
) {
  return {
    /** null: the deployment's sender address (SENDER_EMAIL). */
    from: settings.from ?? null,
    replyTo: settings.replyTo ?? [],
    attributionWindow: settings.attributionWindow ?? defaultAttributionWindow,
    smsMaxPriceUsd: settings.smsMaxPriceUsd ?? defaultSmsMaxPriceUsd,
    allowedHosts: settings.allowedHosts,
    ...(settings.url ? { url: settings.url } : {}),
    marketingConsent: settings.marketingConsent,
    paused: settings.paused ?? null,
  };
}

/** `Name <address>` (the name quoted where it needs to be), or the address alone. */
export function fromHeader(from: { address: string; name?: string }): string {
  if (!from.name) return from.address;
  const plain = /^[\p{L}\p{N} .'-]+$/u.test(from.name);
  return `${plain ? from.name : `"${from.name.replace(/["\\]/g, '\\$&')}"`} <${from.address}>`;
}
