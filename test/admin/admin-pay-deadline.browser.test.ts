// The pay deadline on the order page, in a real headless Chromium: an unpaid order with a deadline says
// "Pay by <time in the shop's zone> (in 3 h)" next to its status, one past its deadline "Pay window ended",
// a paid one says nothing. The app's clock is fixed, so "in 3 h" is exact; every wait is on page state.
// The shop admin's menu has no "Jobs (platform)" either (docs/decisions/admin-panel-fixes.md).
// Screenshots in test-output/admin-pay-deadline/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/platform/time-format.js';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)('pay deadline on the order page, in a browser', () => {
  const f = factories();
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  let app: RunningAdmin;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp({ clock: { now: () => now } });
    browser = await openBrowser('admin-pay-deadline');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows "Pay by ... (in 3 h)" on an unpaid order, "Pay window ended" past it, nothing on a paid one', async () => {
    const tz = 'Pacific/Auckland';
    const tenant = await f.tenant({ timeZone: tz });
    const owner = await f.adminUser({ tenantId: tenant.id });
    const customerId = (await f.customer({ tenantId: tenant.id })).id;
    const dueAt = new Date(now.getTime() + 3 * 3600_000);
    const order = (data: Parameters<typeof f.order>[0]) => f.order(data);
    const unpaid = await order({ tenantId: tenant.id, customerId, paymentDueAt: dueAt });
    const ended = await order({ tenantId: tenant.id, customerId, paymentDueAt: new Date(now.getTime() - 2 * 3600_000) });
    const paid = await order({ tenantId: tenant.id, customerId, status: 'PAID', paidAt: now, paymentDueAt: dueAt });

    const { page } = browser;
    await browser.signIn(app.baseUrl, owner.email);
    expect(await page.locator('[data-css="sidebar"]').innerText()).not.toContain('Jobs');
    const open = async (id: string) => {
      await page.goto(`${app.baseUrl}/admin/resources/Order/records/${id}/show`);
      await page.locator('[data-testid="order-detail"] [data-testid="order-status"]').waitFor();
      return page.locator('[data-testid="order-pay-deadline"]');
    };

    expect(await (await open(unpaid.id)).textContent()).toBe(`Pay by ${formatDateTime(dueAt, tz)} (in 3 h)`);
    await browser.shot('unpaid');
    expect(await (await open(ended.id)).textContent()).toMatch(/^Pay window ended .* \(2 h ago\)$/);
    expect(await (await open(paid.id)).count()).toBe(0);
    await browser.shot('paid');
    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  }, 450_000);
});
