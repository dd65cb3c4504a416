// "Extend pay window" in a real headless Chromium, as a shop owner uses it: the unpaid order's action page
// shows its deadline in the shop's time zone, the owner types the hours and presses the button, the notice
// and the page show the new deadline, and the database (and its expiry job) hold it. Every wait is on page
// state, never on time. Screenshots in test-output/admin-pay-window/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/platform/time-format.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { failingLoad } from './failing-load.js';

describe.skipIf(!runBrowserTests)('Extend pay window, in a browser', () => {
  const f = factories();
  let app: RunningAdmin;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-pay-window');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the deadline and moves it by the hours typed', async () => {
    const tenant = await f.tenant({ timeZone: 'Pacific/Auckland', paymentWindowMinutes: { VENMO_P2P: 120 } });
    const owner = await f.adminUser({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id });
    const order = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'VENMO_P2P' });
    const { dueAt } = (await app.services.paymentWindows.schedule(tenant.id, order.id))!;

    const { page } = browser;
    await browser.signIn(app.baseUrl, owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/extendPayWindow`);
    const due = page.locator('[data-testid="pay-window-due"]');
    await due.waitFor();
    expect(await due.textContent()).toContain(formatDateTime(dueAt, 'Pacific/Auckland'));
    await browser.shot('before');

    await page.fill('input[name="extendByHours"]', '48');
    await page.click('[data-testid="extend-pay-window-form"] button[type="submit"]');
    const moved = new Date(dueAt.getTime() + 48 * 3600_000);
    await page.waitForSelector(`[data-testid="notice-wrapper"] >> text=now has until`);
    await page.waitForSelector(`[data-testid="pay-window-due"] >> text=${formatDateTime(moved, 'Pacific/Auckland')}`);
    await browser.shot('after');
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt).toEqual(moved);
    const [job] = await testDb().$queryRaw<
      { run_at: Date }[]
    >`SELECT run_at FROM graphile_worker._private_jobs WHERE key = ${`payment-expiry:${order.id}`}`;
    expect(job!.run_at).toEqual(moved);
    // No failed panel request (console lines are the public font host, blocked offline).
    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  }, 450_000);

  it('opened from the order page, says when the deadline could not be loaded, with "Try again", and never offers the form without it', async () => {
    browser.reportFailure('load-failed');
    const tenant = await f.tenant({ timeZone: 'Pacific/Auckland', paymentWindowMinutes: { VENMO_P2P: 120 } });
    const owner = await f.adminUser({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id });
    const order = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'VENMO_P2P' });
    const { dueAt } = (await app.services.paymentWindows.schedule(tenant.id, order.id))!;

    const { page } = browser;
    await browser.signIn(app.baseUrl, owner.email);
    // The step's own load fails (the server answers 500) until the test lets it through. Opened from the order's
    // page (the same record), AdminJS shows the step with that page's record, which holds no deadline.
    const step = await failingLoad(page, { resourceId: 'Order', recordId: order.id, action: 'extendPayWindow' });
    try {
      await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
      await page.waitForSelector('[data-testid="order-detail"]');
      await page.getByText('Extend pay window', { exact: true }).first().click();
      await page.waitForURL((u) => u.pathname.endsWith(`/records/${order.id}/extendPayWindow`));
      // The failure, or (the defect) a form that says the order is not waiting for payment.
      await page.getByTestId('pay-window-load-failed').or(page.getByTestId('extend-pay-window-form')).first().waitFor();
      await browser.shot('load-failed');
      expect(await page.getByTestId('extend-pay-window-form').count()).toBe(0);
      expect(await page.getByTestId('pay-window-load-failed').textContent()).toContain(
        "The order's pay window could not be loaded, so it cannot be extended yet.",
      );
      expect(await page.getByRole('button', { name: 'Extend pay window' }).count()).toBe(0);
      // AdminJS's load and the page's own second ask (a loaded machine can add one from the render before AdminJS's
      // loader); Try again asks once more.
      expect(step.gets()).toBeGreaterThanOrEqual(2);
      const asked = step.gets();
      step.let();
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByTestId('pay-window-due').waitFor();
      expect(await page.getByTestId('pay-window-due').textContent()).toContain(formatDateTime(dueAt, 'Pacific/Auckland'));
      expect(step.gets()).toBe(asked + 1);
    } finally {
      await step.unroute();
    }
  }, 450_000);
});
