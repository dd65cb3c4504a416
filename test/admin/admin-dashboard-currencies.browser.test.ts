// The dashboard of a shop that changed its currency (Shop settings -> Change currency): its orders from before are
// in dollars, those since in euros. Before, the dashboard added the cents of both and wrote the sum in the shop's
// currency ("€62.50 net sales from 3 paid orders", of which $42.50 were dollars). Now each currency has its own
// figures: the shop's own first, then the other one as long as the 30 days have money in it, each with its chart.
// The admin sees it signed in, in Chromium; the page's API says the same. Skipped without Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

const db = testDb();
const f = factories();
const DAY_MS = 24 * 3_600_000;
/** Noon (UTC, the shop's zone) of a day before today: no midnight during the test moves it to another day. */
const noonDaysAgo = (days: number) => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - days * DAY_MS + DAY_MS / 2);

interface CurrencySales {
  currency: string;
  orders: number;
  netCents: number;
  net: string;
  days: { day: string; netCents: number }[];
}

describe.skipIf(!runBrowserTests)('the dashboard of a shop with orders in two currencies', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-dashboard-currencies');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  // A shop that sold in dollars, then changed its currency to euros (how it changes is tested elsewhere).
  it('shows euros and dollars apart, the shop currency first, never their sum', { timeout: 300_000 }, async () => {
    browser.reportFailure('dashboard-currencies');
    const { page } = browser;
    const { tenant, customer, products } = await f.shop({ tenant: { currency: 'USD' } });
    const paid = (currency: string, cents: number, daysAgo: number) => {
      const createdAt = noonDaysAgo(daysAgo);
      return f.order({
        tenantId: tenant.id,
        customerId: customer.id,
        currency,
        status: 'PAID',
        paymentStatus: 'paid',
        paidAt: createdAt,
        createdAt,
        lines: [{ productId: products[0]!.id, quantity: 1, unitPriceCents: cents }],
      });
    };
    // Dollars before the change, one of them refunded in part; euros since.
    await paid('USD', 3000, 5);
    const refunded = await paid('USD', 1500, 4);
    await db.order.update({ where: { id: refunded.id }, data: { status: 'PARTIALLY_REFUNDED', refundedTotalCents: 250 } });
    await db.tenant.update({ where: { id: tenant.id }, data: { currency: 'EUR' } });
    await paid('EUR', 2000, 1);
    const owner = await f.adminUser({ tenantId: tenant.id });

    // What the admin reads.
    await browser.signIn(app.baseUrl, owner.email);
    await page.locator('[data-testid="sales-chart"]').waitFor();
    // Never the cents of both currencies added up (the old page: "€62.50 net sales from 3 paid orders").
    expect(await page.locator('[data-testid="dashboard"]').innerText()).not.toContain('€62.50');
    const summary = page.locator('[data-testid="dashboard-summary"]');
    expect(await summary.innerText()).toBe(
      'Last 30 days: €20.00 net sales from 1 paid order; $42.50 net sales from 2 paid orders in USD. 0 orders awaiting payment.',
    );
    const usdChart = page.locator('[data-testid="sales-chart-USD"]');
    await usdChart.waitFor();
    expect(await usdChart.getAttribute('aria-label')).toBe('Net sales per day in USD, last 30 days');
    expect(await page.getByText('Net sales per day in EUR (last 30 days, UTC)').count()).toBe(1);
    expect(await page.getByText('Net sales per day in USD (last 30 days, UTC)').count()).toBe(1);
    expect(await usdChart.locator('title').allTextContents()).toContain(`${noonDaysAgo(5).toISOString().slice(0, 10)}: $30.00 (1 order)`);
    await browser.shot('dashboard-currencies-1-both');

    // The page's API: one set of figures per currency, euros (the shop's now) first.
    const panel = await loggedIn(app.baseUrl, owner.email);
    const body = (await panel.agent.get('/admin/api/dashboard').set(panel.headers())).body as {
      sales: CurrencySales[];
      totals: { net: string; orders: number };
    };
    expect(body.sales.map((c) => [c.currency, c.orders, c.netCents, c.net])).toEqual([
      ['EUR', 1, 2000, '€20.00'],
      ['USD', 2, 4250, '$42.50'],
    ]);
    expect(body.totals.net).toBe('€20.00');
    expect(body.totals.orders).toBe(3);
    expect(body.sales.every((c) => c.days.length === 30)).toBe(true);

    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  });

  it('shows an earlier currency only while the 30 days have money in it', async () => {
    const { tenant, customer, products } = await f.shop({ tenant: { currency: 'USD' } });
    const createdAt = noonDaysAgo(40);
    await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: createdAt,
      createdAt,
      lines: [{ productId: products[0]!.id, quantity: 1, unitPriceCents: 900 }],
    });
    await db.tenant.update({ where: { id: tenant.id }, data: { currency: 'EUR' } });
    const owner = await f.adminUser({ tenantId: tenant.id });
    const panel = await loggedIn(app.baseUrl, owner.email);
    const body = (await panel.agent.get('/admin/api/dashboard').set(panel.headers())).body as { sales: CurrencySales[] };
    expect(body.sales.map((c) => [c.currency, c.orders, c.net])).toEqual([['EUR', 0, '€0.00']]);
  });

  it('shows an earlier currency whose orders in the 30 days were all refunded (nets zero), and counts its orders', async () => {
    const { tenant, customer, products } = await f.shop({ tenant: { currency: 'USD' } });
    const createdAt = noonDaysAgo(3);
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: createdAt,
      createdAt,
      lines: [{ productId: products[0]!.id, quantity: 1, unitPriceCents: 900 }],
    });
    await db.order.update({ where: { id: order.id }, data: { status: 'REFUNDED', refundedTotalCents: order.totalCents } });
    await db.tenant.update({ where: { id: tenant.id }, data: { currency: 'EUR' } });
    const owner = await f.adminUser({ tenantId: tenant.id });
    const panel = await loggedIn(app.baseUrl, owner.email);
    const body = (await panel.agent.get('/admin/api/dashboard').set(panel.headers())).body as {
      sales: CurrencySales[];
      totals: { orders: number };
    };
    expect(body.sales.map((c) => [c.currency, c.orders, c.net])).toEqual([
      ['EUR', 0, '€0.00'],
      ['USD', 1, '$0.00'],
    ]);
    expect(body.totals.orders).toBe(1);
  });
});
