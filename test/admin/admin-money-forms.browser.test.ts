// Two money forms of the order pages in a real headless Chromium, as a shop owner types into them: the Refund
// form's "Partial by amount" takes money in the order's currency ("12,50" in a euro shop), its field says the
// currency and how to type it, and a bad amount is said under the field; the order page's "Mark overpayment
// returned" (after the customer paid more than the total) starts with all of the excess and, once pressed, the
// page shows it returned and no overpayment left. Every wait is on page state. Skipped without Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)('money typed into the order pages, in a browser', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  const f = factories();
  let tenantId: string;
  let customerId: string;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-money-forms');
    tenantId = (await f.tenant({ currency: 'EUR' })).id;
    customerId = (await f.customer({ tenantId, displayName: 'Elena Euro' })).id;
    await browser.signIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const page = () => browser.page;

  it('refunds a partial amount typed as euros with a decimal comma; a bad amount is said under the field', async () => {
    browser.reportFailure('refund-amount');
    const order = await f.order({ tenantId, customerId, currency: 'EUR', status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
    await page().goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/refund`);
    await page().waitForSelector('[data-testid="refund-form"]');
    await page().check('input[name="mode"][value="PARTIAL_AMOUNT"]');
    expect(await page().locator('label[for="refund-amount"]').innerText()).toMatch(/Amount to refund \(EUR\)/);
    expect(await page().locator('[data-testid="refund-amount-hint"]').innerText()).toBe(
      'In EUR, typed like 12.50 or 12,50; at most €15.00.',
    );

    const amount = page().locator('[data-testid="refund-amount"]');
    await amount.fill('12.505');
    await page().click('[data-testid="refund-preview-button"]');
    await expect
      .poll(async () =>
        (await page().locator('[data-testid="refund-amount-error"]').count())
          ? page().locator('[data-testid="refund-amount-error"]').innerText()
          : '',
      )
      .toBe('"12.505" is not an amount: type it like 12.50 (EUR), with at most 2 decimals.');
    expect(await amount.getAttribute('aria-invalid')).toBe('true');

    await amount.fill('20');
    await page().click('[data-testid="refund-preview-button"]');
    await expect
      .poll(async () =>
        (await page().locator('[data-testid="refund-amount-error"]').count())
          ? page().locator('[data-testid="refund-amount-error"]').innerText()
          : '',
      )
      .toMatch(/more than the €15\.00 still refundable/);

    await amount.fill('12,50');
    expect(await page().locator('[data-testid="refund-amount-error"]').count()).toBe(0);
    await page().click('[data-testid="refund-preview-button"]');
    await page().waitForSelector('[data-testid="refund-preview"]');
    expect(await page().locator('[data-testid="refund-preview"]').innerText()).toContain('Refund €12.50');
    await Promise.all([page().waitForURL(/\/show(\?|$)/), page().click('[data-testid="refund-submit-button"]')]);
    await page().waitForSelector('[data-testid="order-detail"]');
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(1250);
  }, 300_000);

  it('marks an overpayment returned from the order page; the page then shows none left to return', async () => {
    browser.reportFailure('overpayment');
    const order = await f.order({ tenantId, customerId, currency: 'EUR' });
    await app.services.payments.recordReceipt(adminCtx(tenantId), { orderId: order.id }, { amountCents: 2500 });
    await page().goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page().waitForSelector('[data-testid="order-overpaid"]');
    expect(await page().locator('[data-testid="order-overpaid"]').innerText()).toBe('€10.00: return it to the customer');
    expect(await page().locator('[data-testid="overpayment-amount"]').inputValue()).toBe('10.00');

    page().once('dialog', (d) => void d.accept());
    await page().click('[data-testid="overpayment-return-button"]');
    await page().waitForSelector('[data-testid="order-overpayment-returned"]');
    expect(await page().locator('[data-testid="order-overpayment-returned"]').innerText()).toBe('€10.00');
    expect(await page().locator('[data-testid="order-overpaid"]').count()).toBe(0);
    expect(await page().locator('[data-testid="overpayment-return"]').count()).toBe(0);
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).overpaymentReturnedCents).toBe(1000);
  }, 300_000);
});
