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
});
