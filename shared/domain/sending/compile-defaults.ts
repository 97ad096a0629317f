import { defaultTemplate, playbookIds } from './default-templates.js';
import { type CompiledDefaults, defaultKey } from './template-choice.js';
import { compileTemplate } from './template-compiler.js';
import { locales } from './templates.js';

/** Where the compiled defaults live, relative to the project root (read by the sender, written by scripts/). */
export const compiledDefaultsFile = 'shared/domain/sending/compiled-defaults.json';

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
