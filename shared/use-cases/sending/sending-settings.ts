import { ValidationError } from '../../domain/errors.js';
import { sendingSettingsSchema, sendingSettingsView } from '../../domain/sending/sending-settings.js';
import { issuesOf } from '../../domain/validation.js';
import type { ShopSendingStore } from '../../ports/sending/messaging.js';

export interface SendingSettingsDeps {
  sending: Pick<ShopSendingStore, 'get' | 'put'>;
}

/** The shop's sending settings with their defaults, and the pause state (read-only). */
export async function getSendingSettings(deps: SendingSettingsDeps, shopId: string) {
  return sendingSettingsView(await deps.sending.get(shopId));
}

/**
 * Primary course: validate the whole body (a bad field is a 400 naming it, and nothing is written),
 * replace the settings, answer them as they now are. The pause is huitou's and cannot be set here.
 */
export async function putSendingSettings(deps: SendingSettingsDeps, shopId: string, body: unknown) {
  const parsed = sendingSettingsSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  await deps.sending.put(shopId, parsed.data);
  return getSendingSettings(deps, shopId);
}
