// The orders pages in a real headless Chromium (Debian's /usr/bin/chromium via playwright-core), as a shop
// owner uses them: finding an order (search by customer or number, filter by payment method, sort by
// total), a phone-sized screen (390x844), refunding by items with a restock choice and ticking off the
// Venmo money sent back by hand, editing an unpaid order's lines with quantity inputs and a product picker,
// and a success notice after each action. Every wait is on page state (an element, a URL, a notice), never
// on time. Screenshots go to test-output/admin-orders/ (git-ignored). Skipped without Chromium unless CI=true.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, RESET_RETRIES, runBrowserTests, type BrowserSession } from './browser-session.js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { formatDateTime } from '../../src/platform/time-format.js';
import { REFUND_MODE_LABELS } from '../../src/modules/refunds/refund-mode-words.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { failingLoad } from './failing-load.js';
import { adminCtx } from '../helpers/actors.js';

const OUT = join(process.cwd(), 'test-output', 'admin-orders');

describe.skipIf(!runBrowserTests)('orders in the admin panel, in a browser', () => {
  let app: RunningAdmin;
  let context: BrowserContext;
  let browser: BrowserSession;
  let page: Page;
  const trail: string[] = [];
  const f = factories();
  let tenantId: string;
  let ownerEmail: string;

  const watch = (p: Page) => {
    p.on('response', (r) => {
      if (r.url().includes('/admin/') && r.status() >= 400) trail.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    p.on('console', (m) => {
      if (m.type() === 'error') trail.push(`console: ${m.text().slice(0, 300)}`);
    });
    p.setDefaultTimeout(60_000);
  };
  const onFailure = (name: string, p: () => Page) =>
    onTestFailed(async () => {
      await p()
        .screenshot({ path: join(OUT, `failure-${name}.png`), fullPage: true })
        .catch(() => undefined);
      console.error(`[orders browser test] ${name} failed at ${p().url()}\n${trail.join('\n') || '(no failed requests)'}`);
    });
  const shot = (p: Page, name: string) => p.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  const notice = (p: Page, text: string) => p.waitForSelector(`[data-testid="notice-wrapper"] >> text=${text}`);
  const rowIds = (p: Page) => p.locator('tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    app = await startAdminApp({ env: { PUBLIC_BASE_URL: 'http://shop.test' } });
    browser = await openBrowser('admin-orders');
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    watch(page);

    // A shop far from UTC: the order page's dates must be in its zone (Tenant.timeZone), in the panel's one format.
    const tenant = await f.tenant({ inventoryTracking: true, timeZone: 'Pacific/Auckland' });
    tenantId = tenant.id;
    ownerEmail = (await f.adminUser({ tenantId, email: 'owner@orders-browser.test' })).email;
    await browser.signIn(app.baseUrl, ownerEmail);
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function paidOrder(
    customerId: string,
    productId: string,
    opts: { quantity?: number; unitPriceCents?: number; paymentMethod?: 'VENMO_P2P' | 'ZELLE' } = {},
  ) {
    const quantity = opts.quantity ?? 1;
    const product = await testDb().product.findUniqueOrThrow({ where: { id: productId } });
    return f.order({
      tenantId,
      customerId,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
      paymentMethod: opts.paymentMethod ?? 'VENMO_P2P',
      lines: [{ productId, name: product.name, sku: product.sku, quantity, unitPriceCents: opts.unitPriceCents ?? product.unitPriceCents }],
    });
  }

  it('finds orders: search by customer or number, filter by payment method, sort by total', async () => {
    onFailure('finding', () => page);
    const casey = await f.customer({ tenantId, displayName: 'Casey Customer', username: 'casey_c' });
    const dana = await f.customer({ tenantId, displayName: 'Dana Doe', username: 'dd_shop' });
    const mug = await f.product({ tenantId, name: 'Mug', unitPriceCents: 1500 });
    const big = await paidOrder(casey.id, mug.id, { quantity: 5 });
    const small = await paidOrder(dana.id, mug.id, { quantity: 1, paymentMethod: 'ZELLE' });
    const mid = await paidOrder(dana.id, mug.id, { quantity: 3 });

    // Search from the filter drawer, by part of a name.
    await page.goto(`${app.baseUrl}/admin/resources/Order`);
    await page.waitForSelector(`tr[data-id="${big.id}"]`);
    await page.click('text=Filter');
    await page.fill('input[name="filter-q"]', 'dana');
    await shot(page, '01-search-drawer');
    await page.click('[data-css="Order-filter-drawer-button-apply"]');
    await page.waitForURL(/filters\.q=dana/);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual([small.id, mid.id].sort());
    await shot(page, '02-search-dana');

    // By Discord username and by order number.
    await page.goto(`${app.baseUrl}/admin/resources/Order?filters.q=casey_c`);
    await expect.poll(() => rowIds(page)).toEqual([big.id]);
    await page.goto(`${app.baseUrl}/admin/resources/Order?filters.q=${encodeURIComponent(`#${mid.number}`)}`);
    await expect.poll(() => rowIds(page)).toEqual([mid.id]);

    // Payment method filter; the column reads "Zelle".
    await page.goto(`${app.baseUrl}/admin/resources/Order?filters.paymentMethod=ZELLE`);
    await expect.poll(() => rowIds(page)).toEqual([small.id]);
    expect(await page.textContent(`tr[data-id="${small.id}"] [data-property-name="paymentMethod"]`)).toBe('Zelle');
    await shot(page, '03-filter-zelle');

    // Sort by total: clicking the Total header orders the rows by money.
    await page.goto(`${app.baseUrl}/admin/resources/Order`);
    await page.waitForSelector(`tr[data-id="${big.id}"]`);
    await page.click('thead a:has-text("Total")');
    await page.waitForURL(/sortBy=total/);
    const totalsInOrder = async () => {
      const ids = await rowIds(page);
      const rows = await testDb().order.findMany({ where: { id: { in: ids as string[] } }, select: { id: true, totalCents: true } });
      return ids.map((id) => rows.find((r) => r.id === id)!.totalCents);
    };
    await expect
      .poll(async () => {
        const t = await totalsInOrder();
        return t.length > 2 && (t.join() === [...t].sort((a, b) => a - b).join() || t.join() === [...t].sort((a, b) => b - a).join());
      })
      .toBe(true);
    await shot(page, '04-sorted-by-total');

    // At a 1400 px desktop the list fits its page (no sideways scroll) and each total is on one line.
    const before = page.viewportSize();
    await page.setViewportSize({ width: 1400, height: 1000 });
    try {
      await page.goto(`${app.baseUrl}/admin/resources/Order`);
      await page.waitForSelector(`tr[data-id="${big.id}"]`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1400);
      const table = page.locator('table').first();
      expect(await table.evaluate((t) => t.scrollWidth <= t.parentElement!.clientWidth)).toBe(true);
      const total = page.locator(`tr[data-id="${big.id}"] [data-property-name="total"] [data-testid="money-total"]`);
      expect(await total.evaluate((el) => el.getClientRects().length)).toBe(1);
      await shot(page, '05-list-at-1400');
    } finally {
      if (before) await page.setViewportSize(before);
    }
  }, 450_000);

  it('filters by date in whole shop days, typed in the filter drawer', async () => {
    onFailure('date-filter', () => page);
    const eli = await f.customer({ tenantId, displayName: 'Eli Early' });
    const at = async (iso: string) => (await f.order({ tenantId, customerId: eli.id, createdAt: new Date(iso) })).id;
    // 10 June 2025 in Auckland (NZST, UTC+12) is 2025-06-09T12:00Z to 2025-06-10T11:59:59.999Z.
    const before = await at('2025-06-09T11:59:00Z');
    const first = await at('2025-06-09T12:00:00Z');
    const last = await at('2025-06-10T11:59:00Z');
    await at('2025-06-10T12:00:00Z');

    await page.goto(`${app.baseUrl}/admin/resources/Order`);
    await page.waitForSelector('tr[data-id]');
    await page.click('text=Filter');
    await page.getByText('Shop days (Pacific/Auckland), both included.').waitFor();
    await page.fill('[data-testid="date-filter-createdAt-from"]', '2025-06-10');
    await page.fill('[data-testid="date-filter-createdAt-to"]', '2025-06-10');
    await shot(page, '05-date-filter-drawer');
    await page.click('[data-css="Order-filter-drawer-button-apply"]');
    await page.waitForURL(/createdAt(~~|%7E%7E)to=/i);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual([first, last].sort());
    expect(await rowIds(page)).not.toContain(before);
    // The page opened again from its address shows the days chosen in its drawer.
    await page.goto(page.url());
    await page.waitForSelector(`tr[data-id="${first}"]`);
    await page.click('[data-css="Order-filter-button"]');
    expect(await page.inputValue('[data-testid="date-filter-createdAt-from"]')).toBe('2025-06-10');
  }, 300_000);

  it("on a phone (390x844) the list and the order page show customer, status, total and the shop's date, not only the number", async () => {
    const phone = await context.newPage();
    watch(phone);
    onFailure('phone', () => phone);
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      const customer = await f.customer({ tenantId, displayName: 'Pat Phone' });
      const lamp = await f.product({ tenantId, name: 'Desk Lamp', unitPriceCents: 4200 });
      const order = await paidOrder(customer.id, lamp.id);
      // 11:30 UTC on 15 December: 16 December in the shop's Auckland, still 15 December where the browser is
      // (BROWSER_TIME_ZONE, UTC-11). The row's date is the shop's, as every other date of the panel.
      await testDb().order.update({ where: { id: order.id }, data: { createdAt: new Date('2026-12-15T11:30:00Z') } });

      await phone.goto(`${app.baseUrl}/admin/resources/Order?filters.q=${encodeURIComponent('Pat Phone')}`);
      const summary = phone.locator(`tr[data-id="${order.id}"] [data-testid="order-row-phone-summary"]`);
      await summary.waitFor({ state: 'visible' });
      const text = await summary.textContent();
      expect(text).toContain('Pat Phone');
      expect(text).toContain('$42.00');
      expect(text).toContain('Paid');
      expect(text).toContain('Dec 16, 2026');
      await shot(phone, '05-phone-list');

      await phone.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
      await phone.waitForSelector('[data-testid="order-detail"]');
      for (const id of ['order-customer', 'order-status', 'order-total']) {
        expect(await phone.locator(`[data-testid="${id}"]`).first().isVisible(), id).toBe(true);
      }
      expect(await phone.textContent('[data-testid="order-customer"]')).toBe('Pat Phone');
      // Nothing wider than the screen: wide tables scroll inside their own box.
      const widest = await phone.evaluate(() => document.documentElement.scrollWidth);
      expect(widest).toBeLessThanOrEqual(390);
      await shot(phone, '06-phone-order-page');
    } finally {
      await phone.close();
    }
  }, 300_000);

  it('refunds one unit as not returned (stock unchanged), says no money moved, and keeps the Venmo to-do until ticked', async () => {
    onFailure('refund', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Riley Refund' });
    const hoodie = await f.product({ tenantId, name: 'Limited Hoodie', unitPriceCents: 6000, trackStock: true, stock: 3 });
    const order = await paidOrder(customer.id, hoodie.id, { quantity: 2 });
    await f.reservation({ tenantId, orderId: order.id, productId: hoodie.id, quantity: 2 });

    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/refund`);
    await page.waitForSelector('[data-testid="refund-form"]');
    expect(await page.textContent('[data-testid="refund-money-return"]')).toContain(
      'send the amount back to Riley Refund by Venmo yourself',
    );
    // The modes read the shared words (refund-mode-words.ts), as the order's refunds and Discord's /refund say them;
    // the form had its own copy ("Full", "Both").
    const modes = await page.locator('[role="radiogroup"][aria-label="Refund mode"] label > strong').allTextContents();
    expect(modes.map((m) => m.trim())).toEqual(Object.values(REFUND_MODE_LABELS));
    await page.check('input[name="mode"][value="PARTIAL_ITEMS"]');
    const qty = page.locator(`[data-testid="refund-qty-${hoodie.id}"]`);
    expect(await qty.getAttribute('aria-label')).toBe('Units of Limited Hoodie to refund (at most 2)');
    await qty.fill('1');
    await page.uncheck(`[data-testid="refund-restock-${hoodie.id}"]`);
    await page.click('[data-testid="refund-preview-button"]');
    await page.waitForSelector('[data-testid="refund-preview"]');
    expect(await page.textContent('[data-testid="refund-preview"]')).toContain('Limited Hoodie × 1 ($60.00, not restocked)');
    await shot(page, '07-refund-preview-not-restocked');
    // The order page opens in-app after the refund: a full reload (as before) made its first API call race
    // the anti-forgery script and the page sometimes never rendered. A marker on window survives only in-app.
    await page.evaluate(() => Object.assign(window, { __beforeRefund: true }));
    await Promise.all([page.waitForURL(/\/show(\?|$)/), page.click('[data-testid="refund-submit-button"]')]);
    await page.waitForSelector('[data-testid="order-detail"]');
    await notice(page, 'No money was sent: Send $60.00 back to Riley Refund by Venmo.');
    await expect.poll(() => page.textContent('[data-testid="order-status"]')).toBe('Partially refunded');
    expect(await page.evaluate(() => (window as unknown as { __beforeRefund?: boolean }).__beforeRefund)).toBe(true);
    const todo = page.locator('[data-testid="manual-refund-todos"]');
    expect(await todo.textContent()).toContain('Send $60.00 back to Riley Refund by Venmo.');
    await shot(page, '08-refunded-venmo-todo');
    expect((await testDb().product.findUniqueOrThrow({ where: { id: hoodie.id } })).stock).toBe(3);
    const refund = await testDb().refund.findFirstOrThrow({ where: { orderId: order.id } });
    expect(refund.items).toEqual([
      { productId: hoodie.id, quantity: 1, restockQuantity: 0, amountCents: 6000, discountCents: 0, taxCents: 0 },
    ]);

    // It stays (a fresh load of the page), until the owner ticks it.
    await page.reload();
    await page.waitForSelector(`[data-testid="manual-refund-done-${refund.id}"]`);
    await page.click(`[data-testid="manual-refund-done-${refund.id}"]`);
    await notice(page, 'Marked as sent: $60.00 returned to the customer by Venmo.');
    await todo.waitFor({ state: 'detached' });
    expect(await page.textContent(`[data-testid="refund-money-back-${refund.id}"]`)).toContain('Sent by hand (Venmo)');
    expect((await testDb().refund.findUniqueOrThrow({ where: { id: refund.id } })).manualReturnDoneAt).not.toBeNull();
    // The history is the readable timeline (who, what, before -> after, money as money), not raw JSON;
    // the dates are in the shop's zone.
    const timeline = page.locator('[data-testid="order-detail"] [data-testid="audit-timeline"]');
    await expect.poll(() => timeline.textContent()).toContain('Ticked the by-hand refund as sent');
    const history = (await timeline.textContent()) ?? '';
    expect(history).toContain('Refunded');
    expect(history).toContain('Refunded total: $0.00 → $60.00');
    expect(history).toContain(ownerEmail);
    expect(history).not.toContain('refundedTotalCents');
    // Each entry's time as the shop's Auckland clock shows it (NZDT or NZST, whichever that day has), not the
    // browser's; the runtime's one format, so a run in New Zealand's winter expects GMT+12 (it once expected
    // only the summer's NZDT and would have failed from April).
    const entries = await testDb().auditLog.findMany({ where: { tenantId, entityId: order.id } });
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(history).toContain(formatDateTime(e.createdAt, 'Pacific/Auckland'));
    expect(await page.textContent('[data-testid="order-placed-at"]')).toBe(formatDateTime(order.createdAt, 'Pacific/Auckland'));
    await shot(page, '09-venmo-todo-done');
  }, 450_000);

  it("edits an unpaid order's lines with quantity inputs and the product picker; notices after edit, cancel and delete", async () => {
    onFailure('edit', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Eden Edit' });
    const tee = await f.product({ tenantId, name: 'Plain Tee', unitPriceCents: 2000, trackStock: true, stock: 10 });
    const sticker = await f.product({ tenantId, name: 'Sticker Sheet', unitPriceCents: 300 });
    const order = await f.order({
      tenantId,
      customerId: customer.id,
      lines: [{ productId: tee.id, name: tee.name, sku: tee.sku, quantity: 1, unitPriceCents: 2000 }],
    });
    await f.reservation({ tenantId, orderId: order.id, productId: tee.id, quantity: 1 });

    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/edit`);
    await page.waitForSelector('[data-testid="order-lines-edit"]');
    expect(await page.textContent('[data-testid="order-lines-edit"]')).toContain('Plain Tee');
    // Every line at 0 is refused; the reason shows under the lines too, not only in a notice that goes away.
    await page.fill(`[data-testid="line-qty-${tee.id}"]`, '0');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="order-lines-edit"] >> text=an order needs at least one item');
    expect(page.url()).toMatch(/\/edit(\?|$)/);
    await page.fill(`[data-testid="line-qty-${tee.id}"]`, '2');
    await page.selectOption('[data-testid="add-product-select"]', sticker.id);
    await page.click('[data-testid="add-product-button"]');
    await page.fill(`[data-testid="line-qty-${sticker.id}"]`, '3');
    await shot(page, '10-edit-lines');
    await Promise.all([page.waitForURL(/\/show(\?|$)/), page.click('button[type="submit"]')]);
    await notice(page, `Order #${order.number} saved.`);
    const row = await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true } });
    expect(row.items.map((i) => [i.name, i.quantity]).sort()).toEqual([
      ['Plain Tee', 2],
      ['Sticker Sheet', 3],
    ]);
    expect(row.totalCents).toBe(2 * 2000 + 3 * 300);
    await page.waitForSelector('[data-testid="order-detail"] >> text=Sticker Sheet');
    await shot(page, '11-edited');

    // Cancel order: a notice, and the page shows "Cancelled".
    await page.click('a:has-text("Cancel order"), button:has-text("Cancel order")');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await notice(page, `Order #${order.number} cancelled`);
    await expect.poll(() => page.textContent('[data-testid="order-status"]')).toBe('Cancelled');
    await shot(page, '12-cancelled');

    // Delete: back on the list, with a notice.
    await page.click('a:has-text("Delete"), button:has-text("Delete")');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.waitForURL(/\/admin\/resources\/Order(\?|$)/);
    await notice(page, `Order #${order.number} was deleted`);
    expect(await testDb().order.count({ where: { id: order.id } })).toBe(0);
    await shot(page, '13-deleted');
  }, 450_000);

  it('Invoice link shows a signed link to copy on its own page, and the link opens the invoice', async () => {
    onFailure('invoice-link', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Ivy Invoice' });
    const order = await f.order({ tenantId, customerId: customer.id });
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    await page.getByText('Invoice link', { exact: true }).click();
    const field = page.locator('[data-testid="invoice-link-url"]');
    await field.waitFor();
    const url = await field.inputValue();
    expect(url).toMatch(/\/invoice\/[\w-]+\.[\w-]{43}$/);
    const shown = (await page.textContent('[data-testid="invoice-link"]')) ?? '';
    expect(shown).toContain(`Invoice link for order #${order.number}`);
    // When it stops working: in the shop's zone (Auckland) and the panel's one format, as every other date here;
    // not the browser's zone (Pago Pago) nor UTC's "Fri, 11 Dec 2026 13:41:05 GMT". The expiry is the token's `exp`.
    const exp = (JSON.parse(Buffer.from(url.split('/').at(-1)!.split('.')[0]!, 'base64url').toString()) as { exp: number }).exp;
    expect(shown).toContain(`It works until ${formatDateTime(new Date(exp * 1000), 'Pacific/Auckland')}.`);
    expect(shown).not.toContain(new Date(exp * 1000).toUTCString());
    await shot(page, 'invoice-link');
    // Still there after the notices would have gone: nothing on this page times out.
    expect(url.startsWith('http://shop.test/invoice/')).toBe(true);
    const invoice = await page.context().request.get(`${app.baseUrl}${new URL(url).pathname}`, { maxRetries: RESET_RETRIES });
    expect(invoice.status()).toBe(200);
    expect(await invoice.text()).toContain(`#${order.number}`);
    expect(await testDb().auditLog.count({ where: { entityId: order.id, action: 'order.invoice_link_created' } })).toBe(1);
    await page.getByText('Back to the order', { exact: true }).click();
    await page.waitForSelector('[data-testid="order-detail"]');
    expect(trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  }, 300_000);

  it('a refused receipt keeps what was typed to correct it; a saved one empties the fields', async () => {
    onFailure('receipt-refused', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Tess Typo' });
    const order = await f.order({ tenantId, customerId: customer.id, paymentMethod: 'ZELLE', totalCents: 2500 });
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    const amount = page.locator('[data-testid="receipt-amount"]');
    const note = page.locator('[data-testid="receipt-note"]');
    await amount.fill('12.345');
    await note.fill('Zelle from Tess, first half');
    await page.click('[data-testid="receipt-record"]');
    await notice(page, 'type the amount received like 20.00');
    // Still there once the answer came back, to be corrected rather than typed again.
    expect(await amount.inputValue()).toBe('12.345');
    expect(await note.inputValue()).toBe('Zelle from Tess, first half');
    expect(await testDb().paymentReceipt.count({ where: { orderId: order.id } })).toBe(0);
    await amount.fill('12.34');
    await page.click('[data-testid="receipt-record"]');
    await page.waitForSelector('[data-testid="order-receipts"] >> text=Zelle from Tess, first half');
    await expect.poll(() => amount.inputValue()).toBe('');
    expect(await note.inputValue()).toBe('');
    await shot(page, 'receipt-refused-then-saved');
  }, 300_000);

  it('a receipt that pays the order from its page leaves the buttons of a paid order, and keeps the notice', async () => {
    onFailure('receipt', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Rhea Receipt' });
    const order = await f.order({ tenantId, customerId: customer.id, paymentMethod: 'ZELLE', totalCents: 2500 });
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    expect(await page.getByText('Mark as paid', { exact: true }).count()).toBe(1);
    await page.fill('[data-testid="receipt-amount"]', '25.00');
    await page.click('[data-testid="receipt-record"]');
    // The page reloads with the paid order's buttons; the notice survives it.
    await notice(page, 'The order is now paid.');
    await page.waitForSelector('[data-testid="order-status"] >> text=Paid');
    await page.getByText('Refund', { exact: true }).waitFor();
    expect(await page.getByText('Mark as paid', { exact: true }).count()).toBe(0);
    expect(await page.getByText('Cancel order', { exact: true }).count()).toBe(0);
    await shot(page, 'receipt-paid');
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    expect(trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  }, 300_000);

  /** Fails the GET of an order's action page until `let()` (failing-load.ts): AdminJS keeps the order page's record. */
  const failingStep = (orderId: string, action: string) => failingLoad(page, { resourceId: 'Order', recordId: orderId, action });

  it('Refund, opened from the order page, says when the lines could not be loaded, with "Try again", and offers no refund without them', async () => {
    onFailure('refund-load-failed', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Lou Loadfail' });
    const scarf = await f.product({ tenantId, name: 'Wool Scarf', unitPriceCents: 3500 });
    const order = await paidOrder(customer.id, scarf.id, { quantity: 2 });
    const step = await failingStep(order.id, 'refund');
    try {
      await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
      await page.waitForSelector('[data-testid="order-detail"]');
      await page.getByText('Refund', { exact: true }).first().click();
      await page.waitForURL((u) => u.pathname.endsWith(`/records/${order.id}/refund`));
      // The failure, or (the defect) a refund form without the order's lines and amounts.
      await page.getByTestId('refund-load-failed').or(page.getByTestId('refund-form')).first().waitFor();
      await shot(page, 'refund-load-failed');
      expect(await page.getByTestId('refund-form').count()).toBe(0);
      expect(await page.getByTestId('refund-load-failed').textContent()).toContain(
        "The order's lines and amounts could not be loaded, so nothing can be refunded yet.",
      );
      expect(await page.getByTestId('refund-preview-button').count()).toBe(0);
      expect(await page.getByTestId('refund-submit-button').count()).toBe(0);
      // AdminJS's load and the page's own second ask (a loaded machine can add one from the render before AdminJS's
      // loader); Try again asks once more.
      expect(step.gets()).toBeGreaterThanOrEqual(2);
      const asked = step.gets();
      step.let();
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.waitForSelector('[data-testid="refund-lines"] >> text=Wool Scarf');
      expect(await page.textContent('[data-testid="refund-form"]')).toContain(`Refund order #${order.number}`);
      expect(await page.textContent('[data-testid="refund-form"]')).toContain('remaining $70.00');
      expect(step.gets()).toBe(asked + 1);
    } finally {
      await step.unroute();
    }
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(0);
  }, 300_000);

  it('Edit, opened from the order page, says when the lines could not be loaded, with "Try again", never that they cannot be changed', async () => {
    onFailure('edit-load-failed', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Noel Nolines' });
    const cap = await f.product({ tenantId, name: 'Flat Cap', unitPriceCents: 2200 });
    const order = await f.order({
      tenantId,
      customerId: customer.id,
      lines: [{ productId: cap.id, name: cap.name, sku: cap.sku, quantity: 1, unitPriceCents: 2200 }],
    });
    const step = await failingStep(order.id, 'edit');
    try {
      await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
      await page.waitForSelector('[data-testid="order-detail"]');
      await page.getByText('Edit order', { exact: true }).first().click();
      await page.waitForURL((u) => u.pathname.endsWith(`/records/${order.id}/edit`));
      // The failure, or (the defect) an empty list of lines saying they can be changed only while awaiting payment.
      await page.getByTestId('order-lines-load-failed').or(page.getByTestId('order-lines-edit')).first().waitFor();
      await shot(page, 'edit-load-failed');
      expect(await page.getByTestId('order-lines-edit').count()).toBe(0);
      expect(await page.getByTestId('order-lines-load-failed').textContent()).toContain(
        "The order's line items could not be loaded, so they cannot be changed yet.",
      );
      expect(await page.locator('body').innerText()).not.toContain('Line items can be changed only while the order awaits payment.');
      // The status fields say their values are not loaded (not that no other can be set), and the form's Save is off.
      expect(await page.locator('body').innerText()).not.toContain('No other value can be set from here.');
      expect(await page.getByTestId('transition-select-status').innerText()).toContain(
        'The statuses this order can move to are not loaded yet (see Line items).',
      );
      expect(await page.getByTestId('button-save').isDisabled()).toBe(true);
      expect(step.gets()).toBeGreaterThanOrEqual(2);
      // The rest of the form is there meanwhile: a note typed before Try again stays (the loaded record's empty
      // note replaced it).
      await page.locator('[name="notes"]').fill('Left at the back door');
      const asked = step.gets();
      step.let();
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.waitForSelector(`[data-testid="line-qty-${cap.id}"]`);
      expect(await page.inputValue(`[data-testid="line-qty-${cap.id}"]`)).toBe('1');
      expect(await page.locator('[name="notes"]').inputValue()).toBe('Left at the back door');
      expect(await page.getByTestId('add-product-select').count()).toBe(1);
      expect(await page.getByTestId('transition-select-status').innerText()).toContain('Only the statuses this order can move to');
      expect(await page.getByTestId('button-save').isDisabled()).toBe(false);
      expect(step.gets()).toBe(asked + 1);
    } finally {
      await step.unroute();
    }
    // The form took the edit's own record with the lines (the values it showed, which a Save carries): it saves.
    await page.fill(`[data-testid="line-qty-${cap.id}"]`, '2');
    await Promise.all([page.waitForURL(/\/show(\?|$)/), page.click('button[type="submit"]')]);
    await notice(page, `Order #${order.number} saved.`);
    const row = await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true } });
    expect(row.items.map((i) => [i.name, i.quantity])).toEqual([['Flat Cap', 2]]);
    expect(row.totalCents).toBe(2 * 2200);
    expect(row.notes).toBe('Left at the back door');
  }, 300_000);

  it('Refund after two failed loads (the order page, then Refund) with a refund made meanwhile asks for the lines again, never shows them as before', async () => {
    onFailure('refund-stale', () => page);
    const customer = await f.customer({ tenantId, displayName: 'Stella Stale' });
    const mitt = await f.product({ tenantId, name: 'Oven Mitt', unitPriceCents: 1500 });
    const order = await paidOrder(customer.id, mitt.id, { quantity: 2 });
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    await page.getByText('Refund', { exact: true }).first().click();
    await page.waitForSelector('[data-testid="refund-lines"] >> text=Oven Mitt');
    expect(await page.textContent('[data-testid="refund-form"]')).toContain('remaining $30.00');

    // The order's page fails to load (AdminJS keeps Refund's record, with its lines as they were), a colleague refunds
    // one mitt meanwhile, and Refund's own load fails too.
    const show = await failingStep(order.id, 'show');
    const refund = await failingStep(order.id, 'refund');
    try {
      await page.goBack();
      await page.waitForURL((u) => u.pathname.endsWith(`/records/${order.id}/show`));
      await expect.poll(() => show.gets()).toBeGreaterThanOrEqual(1);
      await app.services.refunds.refund(adminCtx(tenantId), order.id, { items: [{ productId: mitt.id, quantity: 1 }] });
      await page.getByText('Refund', { exact: true }).first().click();
      await page.waitForURL((u) => u.pathname.endsWith(`/records/${order.id}/refund`));
      // The failure (the page asked for its own lines), or (the defect) the form with the lines before the refund.
      await page.getByTestId('refund-load-failed').or(page.getByTestId('refund-form')).first().waitFor();
      await shot(page, 'refund-stale');
      expect(await page.getByTestId('refund-form').count()).toBe(0);
      expect(refund.gets()).toBeGreaterThanOrEqual(2);
      refund.let();
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.waitForSelector('[data-testid="refund-form"] >> text=remaining $15.00');
      expect(await page.textContent('[data-testid="refund-form"]')).not.toContain('remaining $30.00');
    } finally {
      await show.unroute();
      await refund.unroute();
    }
  }, 300_000);
});
