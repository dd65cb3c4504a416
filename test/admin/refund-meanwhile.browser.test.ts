// The panel's Refund form in a real headless Chromium, while someone else refunds the same order: the form posts back the
// amount refunded it showed ("refunded so far"), and the refund is refused when the order has refunded another amount
// since (refunds/refunded-meanwhile.ts). The refusal is said on the form, nothing is refunded, and a fresh form (which
// shows the new amounts) refunds. Every wait is on page state. Skipped without Chromium unless CI=true.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)('the Refund form after a refund made meanwhile, in a browser', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  const f = factories();
  let tenantId: string;
  let customerId: string;
  let apiKey: string;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('refund-meanwhile');
    tenantId = (await f.tenant()).id;
    customerId = (await f.customer({ tenantId, displayName: 'Rita Refund' })).id;
    apiKey = (await app.services.apiKeys.create(adminCtx(tenantId), 'Till', 'READ_WRITE')).key;
    await browser.signIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const page = () => browser.page;

  /** Opens the order's Refund form, chooses "Partial by amount", types `amount` and previews it. */
  async function previewPartial(orderId: string, amount: string) {
    await page().goto(`${app.baseUrl}/admin/resources/Order/records/${orderId}/refund`);
    await page().waitForSelector('[data-testid="refund-form"]');
    await page().check('input[name="mode"][value="PARTIAL_AMOUNT"]');
    await page().locator('[data-testid="refund-amount"]').fill(amount);
    await page().click('[data-testid="refund-preview-button"]');
    await page().waitForSelector('[data-testid="refund-preview"]');
  }

  it("a refund made by the API after the form was opened refuses the form's refund, said on the page; a fresh form refunds", async () => {
    browser.reportFailure('refund-meanwhile');
    // $50.00 paid: room for both $10.00 refunds, so only the check can stop the second.
    const product = await f.product({ tenantId, unitPriceCents: 2500 });
    const order = await f.order({
      tenantId,
      customerId,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
      lines: [{ productId: product.id, name: 'Tee', quantity: 2, unitPriceCents: 2500 }],
    });
    await previewPartial(order.id, '10');
    expect(await page().locator('[data-testid="refund-form"]').innerText()).toContain('refunded so far $0.00');

    // Meanwhile another admin refunds $10.00 through the REST API.
    await request(app.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set({ authorization: `Bearer ${apiKey}` })
      .send({ amountCents: 1000, reason: 'Damage compensation' })
      .expect(201);

    await page().click('[data-testid="refund-submit-button"]');
    // Refused (said on the form) or refunded (the order page): whichever the panel answered.
    await page().waitForSelector('[data-testid="refund-error"], [data-testid="order-detail"]');
    expect(await testDb().refund.count({ where: { orderId: order.id } })).toBe(1);
    const said = await page().locator('[data-testid="refund-error"]').innerText();
    expect(said).toContain(`Order #${order.number} was refunded meanwhile: $10.00 by API key "Till" (`);
    expect(said).toContain('It now has $10.00 refunded, $40.00 left to refund.');
    expect(said).toContain('This refund was not made: nothing was refunded');
    expect(await testDb().refund.count({ where: { orderId: order.id } })).toBe(1);
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(1000);

    // A fresh form shows the refund made meanwhile, and refunds.
    await previewPartial(order.id, '5');
    expect(await page().locator('[data-testid="refund-form"]').innerText()).toContain('refunded so far $10.00');
    await Promise.all([page().waitForURL(/\/show(\?|$)/), page().click('[data-testid="refund-submit-button"]')]);
    await page().waitForSelector('[data-testid="order-detail"]');
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(1500);
  }, 300_000);
});
