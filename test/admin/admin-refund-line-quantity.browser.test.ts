// The Refund form's per-line quantities (components/refund-form.tsx) in a real headless Chromium: a quantity that is
// no whole number (blank, "1.5", "-1", "1e3", "abc"), too large, or more than the line has left stays as typed and is
// refused under its line by the preview, nothing refunded (the form read "1.5" as 1, "-1" as 0 and "1e3" or "3" as
// all that was left, and previewed that); no units on any line is refused under the lines. Then good quantities
// preview and refund, and every column of the refund, the order and its lines, and the stock are read back.
// Skipped without Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { expectOnly } from '../helpers/expect-only.js';
import { paidTwoLineOrder, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)("the Refund form's per-line quantities, in a browser", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  const f = factories();
  let tenantId: string;
  let customerId: string;
  let adminId: string;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('refund-line-quantity');
    tenantId = (await f.tenant({ inventoryTracking: true })).id;
    customerId = (await f.customer({ tenantId, displayName: 'Quinn Quantity' })).id;
    const admin = await f.adminUser({ tenantId });
    adminId = admin.id;
    await browser.signIn(app.baseUrl, admin.email);
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const page = () => browser.page;
  const db = () => testDb();

  it('refuses bad quantities under their line with nothing refunded, then refunds good ones, read back', { timeout: 300_000 }, async () => {
    browser.reportFailure('refund-line-quantity');
    const paid = await paidTwoLineOrder({
      tenantId,
      customerId,
      trackedName: 'Quantity Tee',
      otherName: 'Quantity Cap',
      otherQuantity: 3,
      otherStock: 4,
    });
    const { order, tracked: tee, other: cap } = paid;
    const orderBefore = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    const linesBefore = await db().orderItem.findMany({ where: { orderId: order.id }, orderBy: { productId: 'asc' } });
    const stock = async () =>
      (await db().product.findMany({ where: { id: { in: [tee.id, cap.id] } }, orderBy: { id: 'asc' } })).map((p) => p.stock);
    const stockBefore = await stock();

    await page().goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/refund`);
    await page().waitForSelector('[data-testid="refund-form"]');
    await page().check('input[name="mode"][value="PARTIAL_ITEMS"]');
    const qty = (id: string) => page().locator(`[data-testid="refund-qty-${id}"]`);
    const qtyError = (id: string) => page().locator(`[data-testid="refund-qty-error-${id}"]`);
    const preview = async () => {
      const [resp] = await Promise.all([
        page().waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/records/${order.id}/refund`)),
        page().click('[data-testid="refund-preview-button"]'),
      ]);
      return (await resp.json()) as { notice?: { type: string; message: string } };
    };

    await qty(cap.id).fill('1');
    for (const typed of ['', '1.5', '-1', '1e3', 'abc', '99999999', '3']) {
      await qty(tee.id).fill(typed);
      const answer = await preview();
      expect(answer.notice?.type, typed).toBe('error');
      // Said under the tee's line, as typed; the cap's line has no refusal; no preview, so nothing to refund.
      const said = await qtyError(tee.id).innerText();
      expect(said, typed).toMatch(typed === '3' ? /Only 2 of Quantity Tee can still be refunded/ : /whole number/);
      expect(await qty(tee.id).inputValue(), typed).toBe(typed);
      expect(await qty(tee.id).getAttribute('aria-invalid'), typed).toBe('true');
      expect(await qtyError(cap.id).count(), typed).toBe(0);
      expect(await page().locator('[data-testid="refund-preview"]').count(), typed).toBe(0);
      expect(await page().locator('[data-testid="refund-submit-button"]').isDisabled(), typed).toBe(true);
      if (typed === '1.5') await browser.shot('refund-line-quantity-1-refused');
    }
    // Typing again clears the refusal.
    await qty(tee.id).fill('0');
    expect(await qtyError(tee.id).count()).toBe(0);
    await qty(cap.id).fill('0');
    expect((await preview()).notice?.type).toBe('error');
    expect(await page().locator('[data-testid="refund-lines-error"]').innerText()).toMatch(/at least one line/);
    expect(await db().refund.count({ where: { orderId: order.id } })).toBe(0);

    // Good quantities: both tees back in stock, one cap not returned.
    await qty(tee.id).fill('2');
    await qty(cap.id).fill('1');
    await page().uncheck(`[data-testid="refund-restock-${cap.id}"]`);
    await page().fill('#refund-reason', 'Wrong size');
    expect((await preview()).notice?.type).not.toBe('error');
    const shown = await page().locator('[data-testid="refund-preview"]').innerText();
    expect(shown).toContain('Refund $45.00');
    expect(shown).toContain('Quantity Tee × 2 ($40.00, back in stock)');
    expect(shown).toContain('Quantity Cap × 1 ($5.00, not restocked)');
    expect(await page().locator('[data-testid="refund-lines-error"]').count()).toBe(0);
    await Promise.all([page().waitForURL(/\/show(\?|$)/), page().click('[data-testid="refund-submit-button"]')]);
    await page().waitForSelector('[data-testid="order-detail"]');

    const [refund, ...more] = await db().refund.findMany({ where: { orderId: order.id } });
    expect(more).toEqual([]);
    // The refund's lines in no promised order: compared by product.
    const byProduct = (items: unknown) => [...(items as { productId: string }[])].sort((x, y) => (x.productId < y.productId ? -1 : 1));
    expect({ ...refund, items: byProduct(refund!.items) }).toEqual({
      id: expect.stringMatching(/^ref_/),
      tenantId,
      orderId: order.id,
      paymentId: refund!.paymentId,
      mode: 'PARTIAL_ITEMS',
      amountCents: 4500,
      reason: 'Wrong size',
      items: byProduct([
        { productId: tee.id, quantity: 2, restockQuantity: 2, amountCents: 4000, discountCents: 0, taxCents: 0 },
        { productId: cap.id, quantity: 1, restockQuantity: 0, amountCents: 500, discountCents: 0, taxCents: 0 },
      ]),
      discountCents: 0,
      shippingCents: 0,
      taxCents: 0,
      actorType: 'PANEL_ADMIN',
      actorId: adminId,
      idempotencyKey: expect.any(String),
      manualReturnMethod: orderBefore.paymentMethod,
      manualReturnCents: null,
      manualReturnDoneAt: null,
      manualReturnDoneByType: null,
      manualReturnDoneById: null,
      externalRefundId: null,
      createdAt: expect.any(Date),
    });
    expectOnly(orderBefore, await db().order.findUniqueOrThrow({ where: { id: order.id } }), {
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 4500,
      // Every change of an order moves its version (a checkout opened before it is stale).
      version: orderBefore.version + 1,
    });
    const linesAfter = await db().orderItem.findMany({ where: { orderId: order.id }, orderBy: { productId: 'asc' } });
    linesBefore.forEach((before, i) => expectOnly(before, linesAfter[i]!, { refundedQuantity: before.productId === tee.id ? 2 : 1 }));
    const teeFirst = tee.id < cap.id;
    expect(await stock()).toEqual(teeFirst ? [stockBefore[0]! + 2, stockBefore[1]] : [stockBefore[0], stockBefore[1]! + 2]);
  });
});
