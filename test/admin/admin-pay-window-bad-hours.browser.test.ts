// "Extend pay window" in a real headless Chromium with hours it must refuse: each ("0", "-3", "1.5", "1e3", "99999",
// "two") stays as typed and is refused under the hours input with the whole rule, the deadline unmoved; then good hours
// move it, and the page, the order and its expiry job are read back. (The refusal was a box under the button that did
// not name the field, "99999" was refused as "a whole number of hours", and the number input posted "" for "-".)
// Skipped without Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/platform/time-format.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { expectOnly } from '../helpers/expect-only.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

const RULE = 'a whole number of hours from 1 to 2,160 (90 days)';

describe.skipIf(!runBrowserTests)('Extend pay window with hours it refuses, in a browser', () => {
  const f = factories();
  let app: RunningAdmin;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-pay-window-bad-hours');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('says each refusal under the hours input, moves nothing, then extends by good hours', async () => {
    browser.reportFailure('bad-hours');
    const tenant = await f.tenant({ timeZone: 'Pacific/Auckland', paymentWindowMinutes: { VENMO_P2P: 120 } });
    const owner = await f.adminUser({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id });
    const order = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'VENMO_P2P' });
    const { dueAt } = (await app.services.paymentWindows.schedule(tenant.id, order.id))!;
    const before = await testDb().order.findUniqueOrThrow({ where: { id: order.id } });

    const { page } = browser;
    await browser.signIn(app.baseUrl, owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/extendPayWindow`);
    await page.locator('[data-testid="pay-window-due"]').waitFor();
    const hours = page.locator('input[name="extendByHours"]');
    const submit = async () => {
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/records/${order.id}/extendPayWindow`)),
        page.click('[data-testid="extend-pay-window-form"] button[type="submit"]'),
      ]);
      return (await resp.json()) as { notice?: { type: string } };
    };
    for (const typed of ['0', '-3', '1.5', '1e3', '99999', 'two']) {
      await hours.fill(typed);
      expect((await submit()).notice?.type, typed).toBe('error');
      expect(await page.getByTestId('extend-hours-error').innerText(), typed).toBe(RULE);
      expect(await hours.getAttribute('aria-invalid'), typed).toBe('true');
      expect(await hours.inputValue(), typed).toBe(typed);
      if (typed === '99999') await browser.shot('refused');
    }
    expectOnly(before, await testDb().order.findUniqueOrThrow({ where: { id: order.id } }), {});
    // Typing again clears the refusal; good hours move the deadline.
    await hours.fill('5');
    expect(await page.getByTestId('extend-hours-error').count()).toBe(0);
    expect((await submit()).notice?.type).toBe('success');
    const moved = new Date(dueAt.getTime() + 5 * 3600_000);
    await page.waitForSelector(`[data-testid="pay-window-due"] >> text=${formatDateTime(moved, 'Pacific/Auckland')}`);
    expect(await page.getByTestId('extend-hours-error').count()).toBe(0);
    expect(await hours.inputValue()).toBe('5');
    const after = await testDb().order.findUniqueOrThrow({ where: { id: order.id } });
    expectOnly(before, after, { paymentDueAt: moved });
    const [job] = await testDb().$queryRaw<
      { run_at: Date }[]
    >`SELECT run_at FROM graphile_worker._private_jobs WHERE key = ${`payment-expiry:${order.id}`}`;
    expect(job!.run_at).toEqual(moved);
  }, 450_000);
});
