import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The integration files share one local stack and take turns. The end-to-end files run first, the
 * playbook step tables before the rest of them, on a fresh stack: they move the shared clock by days
 * to months, and every shop and campaign the other files leave behind is refreshed each simulated
 * night and asked each simulated minute, so run later they would take many times as long.
 */
export default class PlaybooksFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) =>
      f.moduleId.includes('/test/e2e/playbooks/') ? 0 : f.moduleId.includes('/test/e2e/') ? 1 : 2;
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
