// "Record money received" on the order page, in a real headless Chromium (it was proven only through its action
// API): an admin opens an unpaid order, types a part payment and a note in the form and records it; the page then
// shows what came in, the status (still awaiting payment) and what is still owed, the receipt's row, and so does
// the page opened again. A bad amount is refused under the field, in words, with what was typed kept and nothing
// recorded. Every wait is on page state. Screenshots in test-output/admin-record-receipt/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)('record money received on the order page, in a browser', () => {
  const f = factories();
  let app: RunningAdmin;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-record-receipt');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** An unpaid order of $45.00 (a $25.00 tee and four $5.00 mugs) and a shop admin signed in. */
  async function unpaidOrder() {
    const s = await f.shop();
    const [p1, p2] = s.products;
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      lines: [
        { productId: p1!.id, name: 'Tee', quantity: 1, unitPriceCents: 2500 },
        { productId: p2!.id, name: 'Mug', quantity: 4, unitPriceCents: 500 },
      ],
    });
    const admin = await f.adminUser({ tenantId: s.tenant.id });
    await browser.signInForNextPage(app.baseUrl, admin.email);
    return { order, admin };
  }

  const open = async (id: string) => {
    const { page } = browser;
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${id}/show`);
    await page.locator('[data-testid="order-detail"] [data-testid="order-status"]').waitFor();
    return page;
  };

  /** What the order page shows about the money: status, received, still owed, the receipts' rows. */
  const moneyShown = async () => {
    const { page } = browser;
    const remaining = page.locator('[data-testid="order-received-remaining"]');
    return {
      status: (await page.locator('[data-testid="order-detail"] [data-testid="order-status"]').innerText()).trim(),
      received: (await page.locator('[data-testid="order-received-amount"]').innerText()).trim(),
      remaining: (await remaining.count()) ? (await remaining.innerText()).trim() : null,
      receipts: (await page.locator('[data-testid="order-receipts"] tbody tr').allInnerTexts()).map((r) =>
        r
          .split('\t')
          .map((c) => c.trim())
          .slice(1),
      ),
    };
  };

  it('records a part payment through the form; the page shows what came in, the status and what is still owed', async () => {
    const { order, admin } = await unpaidOrder();
    const page = await open(order.id);
    expect(await moneyShown()).toEqual({ status: 'Awaiting payment', received: '$0.00', remaining: '$45.00', receipts: [] });

    await page.locator('[data-testid="receipt-amount"]').fill('12.50');
    await page.locator('[data-testid="receipt-note"]').fill('Zelle 77');
    await page.locator('[data-testid="receipt-record"]').click();
    await page.locator('[data-testid="order-received-amount"]', { hasText: '$12.50' }).waitFor();
    await browser.shot('part-recorded');

    const expected = {
      status: 'Awaiting payment',
      received: '$12.50',
      remaining: '$32.50',
      receipts: [['$12.50', 'Zelle 77', admin.email]],
    };
    expect(await moneyShown()).toEqual(expected);
    // The form is emptied for the next receipt, and says nothing under the amount.
    expect(await page.locator('[data-testid="receipt-amount"]').inputValue()).toBe('');
    expect(await page.locator('[data-testid="receipt-note"]').inputValue()).toBe('');
    expect(await page.locator('[data-testid="receipt-amount-error"]').count()).toBe(0);

    // Stored, and the same page opened again shows the same.
    expect(await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 1250,
    });
    await open(order.id);
    expect(await moneyShown()).toEqual(expected);
    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  }, 450_000);

  // A part paid, then the order cancelled: the page said "Still owed $32.50" and "Remaining balance $32.50", so staff
  // could chase a customer for money on an order that no longer exists, while the $12.50 received was the shop's to
  // send back (the to-do at the top of the page).
  it('a cancelled order owes nothing: no "Still owed" nor remaining balance, and the money received is to send back', async () => {
    const { order } = await unpaidOrder();
    const ctx = { tenantId: order.tenantId, actor: { type: 'PANEL_ADMIN' as const, id: 'adm_test', label: 'admin@test' } };
    await app.services.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 1250, note: 'Zelle 77' });
    const page = await open(order.id);
    expect(await moneyShown()).toMatchObject({ received: '$12.50', remaining: '$32.50' });
    expect((await page.locator('[data-testid="order-remaining-balance"]').innerText()).trim()).toBe('$45.00');

    await app.services.orderAdmin.update(ctx, order.id, { status: 'CANCELLED' });
    await open(order.id);
    await browser.shot('cancelled-part-paid');
    expect(await moneyShown()).toMatchObject({ status: 'Cancelled', received: '$12.50', remaining: null });
    expect(await page.locator('[data-testid="order-remaining-balance"]').count()).toBe(0);
    expect(await page.locator('[data-testid="manual-refund-todos"]').innerText()).toContain('$12.50');
    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  }, 450_000);

  it('refuses a bad amount under the field, keeps what was typed and records nothing', async () => {
    const { order } = await unpaidOrder();
    const page = await open(order.id);
    const amount = page.locator('[data-testid="receipt-amount"]');

    await amount.fill('12.345');
    await page.locator('[data-testid="receipt-record"]').click();
    const error = page.locator('[data-testid="receipt-amount-error"]');
    await error.waitFor();
    await browser.shot('bad-amount');
    expect(await error.innerText()).toBe('Type the amount received like 20.00 (USD).');
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    expect(await amount.inputValue()).toBe('12.345');
    expect(await moneyShown()).toEqual({ status: 'Awaiting payment', received: '$0.00', remaining: '$45.00', receipts: [] });

    // More than twice the total: the whole refusal, under the field.
    await amount.fill('500.00');
    expect(await error.count()).toBe(0);
    await page.locator('[data-testid="receipt-record"]').click();
    await error.waitFor();
    expect(await error.innerText()).toBe(
      `$500.00 would make $500.00 received on order #${order.number}, more than twice its total of $45.00. Check the amount.`,
    );
    expect(await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ amountReceivedCents: 0 });
    expect(await testDb().paymentReceipt.count({ where: { orderId: order.id } })).toBe(0);
  }, 450_000);

  it('money recorded by another admin after the page opened: the press is refused, the page shows it, a press again records', async () => {
    const { order, admin } = await unpaidOrder();
    const page = await open(order.id);
    const other = await f.adminUser({ tenantId: order.tenantId });
    // Another admin records the same $12.50 transfer while this page still shows nothing received.
    await app.services.payments.recordReceipt(
      { tenantId: order.tenantId, actor: { type: 'PANEL_ADMIN', id: other.id, label: other.email } },
      { orderId: order.id },
      { amountCents: 1250, note: 'Zelle 77' },
    );

    await page.locator('[data-testid="receipt-amount"]').fill('12.50');
    await page.locator('[data-testid="receipt-record"]').click();
    await expect
      .poll(() => page.getByTestId('notice-wrapper').first().textContent())
      .toContain(`${other.email} recorded $12.50 meanwhile. This was not recorded, so nothing counts twice.`);
    await page.locator('[data-testid="order-received-amount"]', { hasText: '$12.50' }).waitFor();
    await browser.shot('recorded-meanwhile');
    expect(await moneyShown()).toMatchObject({ received: '$12.50', remaining: '$32.50', receipts: [['$12.50', 'Zelle 77', other.email]] });
    expect(await page.locator('[data-testid="receipt-amount"]').inputValue()).toBe('12.50');
    expect(await testDb().paymentReceipt.count({ where: { orderId: order.id } })).toBe(1);

    // Pressed again from the page as it is now: another payment, recorded.
    await page.locator('[data-testid="receipt-record"]').click();
    await page.locator('[data-testid="order-received-amount"]', { hasText: '$25.00' }).waitFor();
    expect((await moneyShown()).receipts).toHaveLength(2);
    expect((await moneyShown()).receipts.map((r) => r[2])).toContain(admin.email);
  }, 450_000);
});
