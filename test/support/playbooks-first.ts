import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The integration files share one local stack and take turns. The playbook step tables run first,
 * on a fresh stack: they move the shared clock by weeks, and every shop the other files made is
 * refreshed each simulated night, so run later they would take many times as long.
 */
export default class PlaybooksFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => (f.moduleId.includes('/test/e2e/playbooks/') ? 0 : 1);
    return [...sorted].sort((a, b) => first(a) - first(b));
  }
}
