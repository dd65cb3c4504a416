// 150 page loads of the panel's main pages (dashboard; list, show and edit of orders and products; shop
// settings) in one Chromium context, with zero failed loads: no API response >= 400, no error banner
// ("There was an error fetching records", "Page not found"), and every page shows its data.
// The anti-forgery script is made slow to arrive (an injected delay, as on a busy machine or a cold cache):
// the panel's first API calls must not depend on it arriving first (see src/surfaces/admin/auth/csrf-page.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

const LOADS = 150;
const SLOW_ASSET_MS = 400;
const BANNERS = ['There was an error fetching records', 'Page not found', 'Missing or invalid CSRF token'];

describe.skipIf(!runBrowserTests)('the panel loads every time', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  const pages: { url: string; ready: string }[] = [];

  beforeAll(async () => {
    // Its own component bundle directory: browser test files run in parallel, and AdminJS rebuilds and
    // rewrites bundle.js in place, so a shared directory can serve one file a half-written bundle.
    app = await startAdminApp({ env: { ADMIN_JS_TMP_DIR: 'test-output/admin-bundle-page-loads' } });
    browser = await openBrowser('admin-page-loads');
    const f = factories();
    const tenant = await f.tenant();
    const owner = await f.adminUser({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id, displayName: 'Load Tester' });
    const product = await f.product({ tenantId: tenant.id, name: 'Loaded Hoodie', requiredRoleIds: ['123456789012345678'] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    const r = (path: string) => `${app.baseUrl}/admin${path}`;
    pages.push(
      { url: r(''), ready: '[data-testid="dashboard"]' },
      { url: r('/resources/Order'), ready: 'table tbody tr' },
      { url: r(`/resources/Order/records/${order.id}/show`), ready: '[data-testid="order-detail"]' },
      { url: r(`/resources/Order/records/${order.id}/edit`), ready: '[data-testid="button-save"]' },
      { url: r('/resources/Product'), ready: 'table tbody tr' },
      { url: r(`/resources/Product/records/${product.id}/show`), ready: 'text=Loaded Hoodie' },
      { url: r(`/resources/Product/records/${product.id}/edit`), ready: '[data-testid="button-save"]' },
      { url: r(`/resources/Tenant/records/${tenant.id}/show`), ready: `text=${tenant.name}` },
      { url: r(`/resources/Tenant/records/${tenant.id}/edit`), ready: '[data-testid="button-save"]' },
      { url: r('/resources/Customer'), ready: 'table tbody tr' },
    );
    await browser.signIn(app.baseUrl, owner.email);
    await browser.context.route('**/ledgerline-csrf.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, SLOW_ASSET_MS));
      await route.continue();
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it(`${LOADS} loads of the main pages, none failed`, async () => {
    const { page } = browser;
    const failures: string[] = [];
    for (let i = 0; i < LOADS && failures.length < 5; i++) {
      const target = pages[i % pages.length]!;
      browser.trail.length = 0;
      // Not waiting for the load event: it waits for the (deliberately slow) script at the end of <body>.
      await page.goto(target.url, { waitUntil: 'commit' });
      const ready = await page.waitForSelector(target.ready, { timeout: 45_000 }).then(
        () => true,
        () => false,
      );
      const body = (await page.textContent('body')) ?? '';
      const banner = BANNERS.find((b) => body.includes(b));
      const failed = browser.trail.filter((t) => !t.startsWith('console:'));
      if (!ready || banner || failed.length) {
        failures.push(
          `load ${i + 1} ${target.url}: ${!ready ? 'never showed its data; ' : ''}${banner ? `banner "${banner}"; ` : ''}${failed.join(', ')}`,
        );
        await browser.shot(`failure-${failures.length}`);
      }
    }
    expect(failures).toEqual([]);
  }, 900_000);
});
