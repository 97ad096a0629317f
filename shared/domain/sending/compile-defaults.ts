import { defaultTemplate, playbookIds } from './default-templates.js';
import { compileTemplate } from './template-compiler.js';
import { type CompiledTemplate, locales } from './templates.js';

/** Where the compiled defaults live, relative to the project root (read by the sender, written by scripts/). */
export const compiledDefaultsFile = 'shared/domain/sending/compiled-defaults.json';

/** `<playbook>/<channel>/<locale>` → the compiled default. */
export type CompiledDefaults = Record<string, CompiledTemplate>;

export const defaultKey = (playbook: string, channel: 'email' | 'sms', locale: string) =>
  `${playbook}/${channel}/${locale}`;

/** Every default, compiled as a shop's saved template would be. */
export async function compileDefaults(): Promise<CompiledDefaults> {
  const out: CompiledDefaults = {};
  for (const id of playbookIds)
    for (const channel of ['email', 'sms'] as const)
      for (const locale of locales) {
        const result = await compileTemplate(defaultTemplate(id, locale, channel));
        if (!result.ok)
          throw new Error(`${defaultKey(id, channel, locale)}: ${JSON.stringify(result.issues)}`);
        out[defaultKey(id, channel, locale)] = result.template;
      }
  return out;
}
