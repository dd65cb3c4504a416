// A new shop's first hour, on a phone (390x844, touch): the shop made as `npm run shop:create` makes it and its
// admin as `npm run admin:create` does, who signs in and finds "Before your first order" on the dashboard: each
// gap in a sentence, those that stop orders first, nothing wider than the screen and every link and button at
// least 44 px to tap. The admin taps "Add a product", saves a product, comes back, and the product's item is
// gone (and, the product being one that ships, a shipping type is now asked for). Skipped without Chromium
// unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminAccountsService } from '../../src/modules/admin-accounts/admin-accounts.service.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { PASSWORD, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, PHONE, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)("a new shop's checklist on a phone", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId: string;
  const email = 'owner@first-hour.test';

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-readiness', PHONE);
    const accounts = createAdminAccountsService({ db: testDb() });
    tenantId = (await accounts.createShop({ name: 'First Hour Shop', guildId: '855555555555555555', currency: 'USD' })).tenant.id;
    await accounts.createAdmin({ email, password: PASSWORD, role: 'TENANT_ADMIN', tenantId });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const items = () =>
    browser.page
      .locator('[data-testid="readiness"] li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-testid')!.slice('readiness-'.length)));

  it('lists what the shop lacks, and an item goes once it is fixed', { timeout: 420_000 }, async () => {
    browser.reportFailure('readiness');
    const { page } = browser;
    await browser.signIn(app.baseUrl, email);
    await page.waitForSelector('[data-testid="readiness"]');
    expect(await items()).toEqual(['product', 'paymentMethod', 'adminChannel', 'adminRole']);
    expect(await page.locator('[data-testid="readiness-product"]').innerText()).toContain(
      'There is no product to order yet: add one, with its price.',
    );
    expect(await page.locator('[data-testid="readiness"] li[data-blocks="true"]').count()).toBe(2);
    await browser.shot('readiness-1-new-shop');

    // Nothing wider than the phone; every link and button of the dashboard a thumb can hit.
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
    const small = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-testid="dashboard"] a, [data-testid="dashboard"] button'))
        .map((e) => ({ text: e.innerText.trim(), r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.height < 44 || r.width < 44 || r.right > 390)
        .map(({ text, r }) => `${text} ${Math.round(r.width)}x${Math.round(r.height)} right ${Math.round(r.right)}`),
    );
    expect(small).toEqual([]);

    // The product item's link opens the New product form; the product saved, the dashboard no longer asks for one.
    await page.locator('[data-testid="readiness-fix-product"]').tap();
    await page.waitForURL(`${app.baseUrl}/admin/resources/Product/actions/new`);
    await page.locator('[name="sku"]').first().fill('TEE-1');
    await page.locator('[name="name"]').first().fill('T-shirt');
    await page.locator('[name="price"]').first().fill('24.00');
    await page.locator('[data-testid="button-save"], form button[type="submit"]').first().tap();
    await page.waitForURL(/\/records\/[^/]+\/show(\?|$)/, { timeout: 60_000 });
    await waitFor('product saved', () => testDb().product.findFirst({ where: { tenantId, sku: 'TEE-1' } }));

    await page.goto(`${app.baseUrl}/admin`);
    await page.waitForSelector('[data-testid="readiness-paymentMethod"]');
    expect(await items()).toEqual(['paymentMethod', 'shippingType', 'adminChannel', 'adminRole']);
    await browser.shot('readiness-2-product-added');
    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  });
});
