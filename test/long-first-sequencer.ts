// Starts the few test files that take minutes before everything else. With no duration cache (a clean CI
// checkout) vitest orders files by size, so a small file that runs for minutes could start last and
// stretch the whole run by its own length; started first, it runs alongside the rest.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The files that take longest, longest first (figures from the CI log, quiet machine). */
const LONG_FIRST = [
  'test/admin/admin-page-loads.browser.test.ts', // ~2-3 min
  'test/platform/chaos-short.test.ts', // ~40 s
  'test/platform/start-failures.test.ts',
  'test/admin/admin-order-count.test.ts',
  'test/admin/admin-webhooks.browser.test.ts',
  'test/admin/admin-new-forms.browser.test.ts',
  'test/admin/admin-more-new-forms.browser.test.ts',
  'test/admin/admin-actions.browser.test.ts',
  'test/admin/admin-more-actions.browser.test.ts',
  'test/admin/admin-pay-window.browser.test.ts',
  'test/platform/survive-restart.test.ts',
  'test/admin/admin-odd-params.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const i = LONG_FIRST.findIndex((f) => spec.moduleId.endsWith(f));
  return i === -1 ? LONG_FIRST.length : i;
};

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: files not in the list keep vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
