import { describe, expect, it } from 'vitest';
import { playbook, playbookIds } from '../../../../../shared/domain/journeys/playbooks.js';
import { defaultCompiled } from '../../../../../shared/domain/sending/template-choice.js';
import { locales } from '../../../../../shared/domain/sending/templates.js';

/** Every message a shipped playbook sends has a default to render, in both languages. */
describe('the playbooks’ step templates', () => {
  const sends = playbookIds.flatMap((id) =>
    playbook(id).steps.flatMap((s) =>
      s.type === 'send' ? [{ journey: id, step: s.id, template: s.template, channel: s.channel }] : [],
    ),
  );

  it('are named by the library (a journey step sends something)', () => {
    expect(sends.length).toBeGreaterThan(20);
  });

  it.each(sends)(
    '$journey/$step renders a default $channel template ($template)',
    ({ template, channel }) => {
      for (const locale of locales) expect(defaultCompiled(template, channel, locale), locale).not.toBeNull();
    },
  );
});
