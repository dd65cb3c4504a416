// Starts the few test files that take minutes before everything else. With no duration cache (a clean CI
// checkout) vitest orders files by size, so a small file that runs for minutes could start last and
// stretch the whole run by its own length; started first, it runs alongside the rest.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first: the 20 longest of the first 92 files of a profile of the whole suite
 * (2026-12-06, stopped there) on a shared 2-core machine busy with other work, so the seconds (each file's wall time
 * there) are inflated and good for ranking only. Files not listed keep vitest's own order. chaos-short is not in
 * that partial profile but heads the list: left out, it started last in CI (2026-12-06, Node 20) and its 93 s ran
 * alone at the end of the run.
 */
const LONG_FIRST = [
  'test/platform/chaos-short.test.ts', // 93 s in CI, started last
  'test/admin/admin-page-loads.browser.test.ts', // 598 s
  'test/admin/admin-payments-settings.browser.test.ts', // 451 s
  'test/platform/start-failures.test.ts', // 272 s
  'test/http/api/rest-api.fuzz.test.ts', // 237 s
  'test/admin/admin-browser.test.ts', // 225 s
  'test/admin/admin-more-actions.browser.test.ts', // 221 s
  'test/admin/admin-change-currency.browser.test.ts', // 189 s
  'test/admin/admin-new-forms.browser.test.ts', // 178 s
  'test/http/invoice/square-btcpay-ledger.test.ts', // 178 s
  'test/admin/admin-orders.browser.test.ts', // 172 s
  'test/admin/admin-panel.fuzz.test.ts', // 154 s
  'test/scripts/operator-commands.test.ts', // 145 s
  'test/admin/admin-webhooks.browser.test.ts', // 138 s
  'test/admin/admin-auth.test.ts', // 137 s
  'test/modules/orders/submit-order.test.ts', // 121 s
  'test/admin/admin-order-count.test.ts', // 107 s
  'test/admin/admin-more-new-forms.browser.test.ts', // 106 s
  'test/admin/admin-actions.browser.test.ts', // 100 s
  'test/platform/survive-restart.test.ts', // 95 s
  'test/admin/admin-settings-methods.browser.test.ts', // 90 s
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
