// Sales -> Payments for deleted orders lists, unless its Money filter says otherwise, the payments money reached,
// those to return by hand first: a BTCPay invoice's row is kept for good though no money reached it
// (deleted-order-late-money.md), and before, the list showed every row by last change, so the few the admin must
// act on sank under months of "No money arrived". A shop with rows in every state (and 23 no money reached) and
// another shop's rows: the default list holds exactly the shop's five money rows in order; the header's button
// shows all 28 over two pages and back; the Money filter's values count right and are offered in words; the dashboard's "Money to return"
// still opens a payment, and its breadcrumb the list. Another shop's rows never show. Skipped without Chromium
// unless CI=true.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutState, PaymentProvider } from '../../src/generated/prisma/index.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

const db = testDb();
const f = factories();
const METHOD = { PAYPAL: 'PAYPAL', SQUARE: 'CASHAPP_PAY', BTCPAY: 'BTC_INVOICE' } as const;
const HOUR = 3600_000;
const base = new Date('2026-11-01T12:00:00Z').getTime();

let seq = 0;
/** A deleted order's kept checkout, last changed `hoursAgo` before the base time. */
async function kept(
  tenantId: string,
  connections: Map<PaymentProvider, string>,
  provider: PaymentProvider,
  lateMoneyAction: string | null,
  hoursAgo: number,
): Promise<string> {
  const n = ++seq;
  const id = `chk_list_${n}`;
  const state: CheckoutState = lateMoneyAction ? 'PAID' : 'EXPIRED';
  await db.deletedOrderCheckout.create({
    data: {
      id,
      tenantId,
      orderId: `ord_list_${n}`,
      orderNumber: 1000 + n,
      connectionId: connections.get(provider)!,
      provider,
      method: METHOD[provider],
      providerCheckoutId: `inv-list-${n}`,
      amountCents: 4250,
      currency: 'USD',
      state,
      ...(lateMoneyAction ? { paidAmountCents: 4250, paymentReference: `pay-list-${n}` } : {}),
      lateMoneyAction,
      createdAt: new Date(base - hoursAgo * HOUR - 24 * HOUR),
    },
  });
  // updatedAt is Prisma's @updatedAt: set it after the insert, as the list orders by it.
  await db.$executeRaw`UPDATE deleted_order_checkouts SET "updatedAt" = ${new Date(base - hoursAgo * HOUR)} WHERE id = ${id}`;
  return id;
}

async function shopWithConnections() {
  const tenantId = (await f.tenant({})).id;
  const connections = new Map<PaymentProvider, string>();
  for (const provider of ['PAYPAL', 'SQUARE', 'BTCPAY'] as const) {
    connections.set(provider, (await db.paymentConnection.create({ data: { tenantId, provider, environment: 'sandbox' } })).id);
  }
  return { tenantId, connections };
}

/** The record ids of the list's rows, top to bottom, once the list shows `count` rows. */
async function rowIds(page: Page, expected: string[]): Promise<void> {
  const rows = page.locator('[data-css="DeletedOrderCheckout-table-row"]');
  await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), { timeout: 45_000 }).toEqual(expected);
}

describe.skipIf(!runBrowserTests)('Sales -> Payments for deleted orders, the list', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let ownerEmail: string;
  let otherEmail: string;
  const money: string[] = [];
  const noMoney: string[] = [];
  const others: string[] = [];

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-deleted-order-payments-list');
    const shop = await shopWithConnections();
    ownerEmail = (await f.adminUser({ tenantId: shop.tenantId, email: 'owner@deleted-list.test' })).email;
    // The order the default list shows them in: to return by hand (latest change first), refunding, refunded, returned.
    const flaggedOld = await kept(shop.tenantId, shop.connections, 'BTCPAY', 'FLAGGED', 300);
    const flaggedNew = await kept(shop.tenantId, shop.connections, 'PAYPAL', 'FLAGGED', 200);
    const refunding = await kept(shop.tenantId, shop.connections, 'SQUARE', 'REFUND_PENDING', 1);
    const refunded = await kept(shop.tenantId, shop.connections, 'PAYPAL', 'REFUND_SENT', 2);
    const returned = await kept(shop.tenantId, shop.connections, 'BTCPAY', 'RETURNED_BY_HAND', 0.5);
    money.push(flaggedNew, flaggedOld, refunding, refunded, returned);
    // 23 invoices no money reached, some changed after every money row (the old list put them on top).
    for (let i = 0; i < 23; i++) noMoney.push(await kept(shop.tenantId, shop.connections, i % 2 ? 'BTCPAY' : 'PAYPAL', null, i * 10 - 5));
    // Another shop's, in every state: never in this shop's list.
    const other = await shopWithConnections();
    otherEmail = (await f.adminUser({ tenantId: other.tenantId, email: 'owner@other-list.test' })).email;
    for (const action of ['FLAGGED', 'REFUND_PENDING', 'REFUND_SENT', 'RETURNED_BY_HAND', null]) {
      others.push(await kept(other.tenantId, other.connections, 'BTCPAY', action, -100));
    }
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('counts each Money filter within the shop', { timeout: 120_000 }, async () => {
    const admin = await loggedIn(app.baseUrl, ownerEmail);
    const list = async (query: string) => {
      const res = await admin.agent.get(`/admin/api/resources/DeletedOrderCheckout/actions/list${query}`).set(admin.headers());
      const body = res.body as { meta: { total: number }; records: { id: string }[] };
      return { total: body.meta.total, ids: body.records.map((r) => r.id) };
    };
    expect(await list('')).toEqual({ total: 5, ids: money });
    expect(await list('?filters.lateMoneyAction=MONEY_ARRIVED')).toEqual({ total: 5, ids: money });
    expect((await list('?filters.lateMoneyAction=ALL')).total).toBe(28);
    expect((await list('?filters.lateMoneyAction=ALL&perPage=100')).ids).toEqual([...money, ...noMoney]);
    expect(await list('?filters.lateMoneyAction=NO_MONEY&perPage=100')).toEqual({ total: 23, ids: noMoney });
    expect(await list('?filters.lateMoneyAction=FLAGGED')).toEqual({ total: 2, ids: money.slice(0, 2) });
    // Another filter alone keeps the default Money filter.
    expect((await list('?filters.provider=PAYPAL')).ids).toEqual(money.filter((_, i) => [0, 3].includes(i)));
    // A column the admin sorts by is that column's order.
    expect((await list('?sortBy=orderNumber&direction=asc')).ids).toEqual([...money].sort());

    const other = await loggedIn(app.baseUrl, otherEmail);
    const otherAll = await other.agent
      .get('/admin/api/resources/DeletedOrderCheckout/actions/list?filters.lateMoneyAction=ALL')
      .set(other.headers());
    expect((otherAll.body as { records: { id: string }[] }).records.map((r) => r.id).sort()).toEqual([...others].sort());
  });

  it('shows each "Paid" amount on one line at a 1400 px desktop width', { timeout: 420_000 }, async () => {
    browser.reportFailure('deleted-order-payments-paid-one-line');
    const { page } = browser;
    await browser.signInForNextPage(app.baseUrl, ownerEmail);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(`${app.baseUrl}/admin/resources/DeletedOrderCheckout`);
    await rowIds(page, money);
    const cell = page.locator(`tr[data-id="${money[0]}"] [data-property-name="paid"]`);
    expect(await cell.innerText()).toBe('$42.50');
    // The lines the amount's words are laid out on: one box top per line.
    const lines = await cell.evaluate((td) => {
      const tops = new Set<number>();
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of Array.from(range.getClientRects())) if (rect.width > 0) tops.add(Math.round(rect.top));
      }
      return tops.size;
    });
    await browser.shot('deleted-list-paid-1400');
    expect(lines).toBe(1);
  });

  it(
    'shows the payments money reached, to return by hand first; all of them in one tap, over two pages',
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('deleted-order-payments-list');
      const { page } = browser;
      await browser.signIn(app.baseUrl, ownerEmail);

      // The dashboard's "Money to return" opens the payment; its breadcrumb opens the list.
      await page.locator(`[data-testid="money-to-return-open-${money[1]}"]`).click();
      await page.waitForURL(`${app.baseUrl}/admin/resources/DeletedOrderCheckout/records/${money[1]}/show`);
      await page.getByText('To return by hand', { exact: true }).first().waitFor();
      await page.locator('.adminjs_Breadcrumbs a', { hasText: 'Payments for deleted orders' }).click();
      await page.waitForURL(`${app.baseUrl}/admin/resources/DeletedOrderCheckout`);
      await rowIds(page, money);
      const scope = page.locator('[data-testid="deleted-payments-scope"]');
      await expect.poll(() => scope.innerText()).toContain('Show also the 23 payments no money reached');
      expect(await page.locator('.adminjs_Pagination').count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toContain('No money arrived');
      await browser.shot('deleted-list-1-default');

      // Every payment: the money rows first, then those no money reached, 20 a page.
      await page.locator('[data-testid="deleted-payments-show-all"]').click();
      await rowIds(page, [...money, ...noMoney].slice(0, 20));
      expect(page.url()).toContain('filters.lateMoneyAction=ALL');
      await expect.poll(() => scope.innerText()).toContain('Every payment, also the 23 payments no money reached');
      await browser.shot('deleted-list-2-all');
      await page.locator('.adminjs_Pagination [data-testid="page-2"]').click();
      await rowIds(page, [...money, ...noMoney].slice(20));
      expect(await page.locator('body').innerText()).toContain('No money arrived');
      for (const id of others) expect(await page.locator(`[data-id="${id}"]`).count()).toBe(0);

      // And back: the default list, from its first page.
      await page.locator('[data-testid="deleted-payments-show-arrived"]').click();
      await rowIds(page, money);
      expect(page.url()).not.toContain('lateMoneyAction');
      expect(page.url()).not.toContain('page=2');

      // The Filter's Money choice says the same in words: "No money arrived" lists those 23, 20 a page.
      await page.locator('[data-css="DeletedOrderCheckout-filter-button"]').click();
      const drawer = page.locator('[data-css="DeletedOrderCheckout-filter-drawer"]');
      await drawer.locator('.adminjs_Select').first().click();
      for (const words of [
        'Money arrived (shown unless you choose another)',
        'To return by hand',
        'Every payment, also those no money reached',
      ])
        await page.getByRole('option', { name: words, exact: true }).waitFor();
      await page.getByRole('option', { name: 'No money arrived', exact: true }).click();
      await drawer.locator('[data-css="DeletedOrderCheckout-filter-drawer-button-apply"]').click();
      await rowIds(page, noMoney.slice(0, 20));
      expect(page.url()).toContain('filters.lateMoneyAction=NO_MONEY');
      await browser.shot('deleted-list-3-no-money');
      expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
    },
  );
});
