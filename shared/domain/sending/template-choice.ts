import compiled from './compiled-defaults.json' with { type: 'json' };
import { stepTemplateDefaults } from './default-templates.js';
import { type CompiledTemplate, type Locale, locales } from './templates.js';

/**
 * Which compiled template a send renders: the shop's own (by id) of the send's channel in the
 * customer's locale, else in another locale it was written in; else the playbook's default, compiled ahead (compiled-defaults.json,
 * scripts/compile-default-templates.ts), so the send path never loads MJML.
 */

/** `<playbook>/<channel>/<locale>` → the compiled default. */
export type CompiledDefaults = Record<string, CompiledTemplate>;

export const defaultKey = (playbook: string, channel: 'email' | 'sms', locale: string) =>
  `${playbook}/${channel}/${locale}`;

const defaults = compiled as CompiledDefaults;

export function defaultCompiled(templateId: string, channel: 'email' | 'sms', locale: Locale) {
  const playbook = stepTemplateDefaults[templateId] ?? templateId;
  return defaults[defaultKey(playbook, channel, locale)] ?? null;
}

export function chooseTemplate(
  shopVariants: Partial<Record<Locale, CompiledTemplate>> | null,
  templateId: string,
  channel: 'email' | 'sms',
  locale: Locale,
): CompiledTemplate | null {
  const order = [locale, ...locales.filter((l) => l !== locale)];
  // The shop's own replaces the default of its channel only: an email saved under a playbook's id
  // leaves that playbook's SMS default in place.
  for (const l of order) {
    const t = shopVariants?.[l];
    if (t && t.channel === channel) return t;
  }
  for (const l of order) {
    const t = defaultCompiled(templateId, channel, l);
    if (t) return t;
  }
  return null;
}
