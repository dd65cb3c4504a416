// A shop prices everything in its currency (modules/tenants/shop-currency.ts), in Chromium: a platform admin
// changing a shop's currency in Settings is refused while a product is still priced in the old one, and saved
// once none is; the shop's admin then prices a new product in the shop's currency (the New form opens with it)
// and is refused another. Every save is read back, column by column.
// Screenshots are kept in test-output/admin-shop-currency/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';
import { newFormDriver } from './new-form-driver.js';
import { expectOnly } from '../helpers/expect-only.js';
import { SESSION_COOKIE } from '../../src/surfaces/admin/auth/admin-session.js';

const db = () => testDb();
const f = () => factories();

const REFUSED_PRODUCT =
  "This shop sells in JPY: a product is priced in the shop's currency. Set the currency to JPY and the amount in JPY.";

describe.skipIf(!runBrowserTests)("a shop's prices stay in its currency", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId = '';
  let ownerEmail = '';
  let platformEmail = '';
  let oldProductId = '';

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-shop-currency');
    tenantId = (await f().tenant({ currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] })).id;
    oldProductId = (await f().product({ tenantId, sku: 'OLD-TEE', unitPriceCents: 1250, currency: 'USD' })).id;
    ownerEmail = (await f().adminUser({ tenantId })).email;
    platformEmail = (await f().adminUser({ role: 'PLATFORM_ADMIN', tenantId: null })).email;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const form = newFormDriver({ browser: () => browser, baseUrl: () => app.baseUrl });

  /** Opens a record's edit form and waits until `field` holds what was loaded. */
  async function openEdit(resource: string, id: string, field: string, loaded: string) {
    const { page } = browser;
    await page.goto(`${app.baseUrl}/admin/resources/${resource}/records/${id}/edit`);
    await expect.poll(() => page.locator(`[name="${field}"]`).first().inputValue(), { timeout: 60_000 }).toBe(loaded);
  }
  async function save(id: string): Promise<{ notice?: { message: string; type: string } }> {
    const { page } = browser;
    const resp = await pressSave(page, `/records/${id}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }
  const underField = (field: string, message: string) =>
    browser.page.getByTestId(`property-edit-${field}`).filter({ hasText: message }).first().waitFor({ timeout: 60_000 });

  it('Settings, as a platform admin: refused while a product is priced in USD, then saved to JPY', { timeout: 420_000 }, async () => {
    browser.reportFailure('platform-currency');
    await browser.signInForNextPage(app.baseUrl, platformEmail);
    form.signedIn(platformEmail);
    const before = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    await openEdit('Tenant', tenantId, 'currency', 'USD');
    await browser.page.locator('[name="currency"]').fill('JPY');
    const refused = await save(tenantId);
    const message =
      'The currency cannot change from USD to JPY: 1 active product is priced in USD. Amounts are not converted. ' +
      'Use "Change currency" on Shop settings instead: it asks for each amount in JPY and changes them with the currency at once.';
    expect(refused.notice).toEqual(expect.objectContaining({ type: 'error', message }));
    await underField('currency', message);
    await browser.shot('platform-currency-refused');
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), {});

    // The shop's owner deactivates the product; the same form, saved again, now changes the currency alone.
    await db().product.update({ where: { id: oldProductId }, data: { active: false } });
    await openEdit('Tenant', tenantId, 'currency', 'USD');
    await browser.page.locator('[name="currency"]').fill('JPY');
    expect((await save(tenantId)).notice?.type).toBe('success');
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), { currency: 'JPY' });
  });

  // The browser tests' sign-in (browser-session.ts) as another admin: twice in CI the platform admin's session
  // cookie came back on a late answer after the cookies were cleared, and the login page sent the browser on to the
  // dashboard, still signed in as them. The session must be over on the server, so a cookie put back signs no one in.
  it("signing in as the shop's admin ends the platform admin's session on the server", { timeout: 420_000 }, async () => {
    browser.reportFailure('sign-in-ends-session');
    const before = (await browser.context.cookies(`${app.baseUrl}/admin`)).find((c) => c.name === SESSION_COOKIE);
    expect(before?.value).toBeTruthy();
    await browser.signIn(app.baseUrl, ownerEmail);
    form.signedIn(ownerEmail);
    const late = await fetch(`${app.baseUrl}/admin/login`, {
      headers: { cookie: `${SESSION_COOKIE}=${before!.value}` },
      redirect: 'manual',
    });
    expect(late.status).toBe(200);
    expect(await late.text()).toContain('<html');
  });

  it("New product, as the shop's admin: opens in JPY, saves yen; a USD price is refused", { timeout: 420_000 }, async () => {
    await form.openNew('Product', ownerEmail, 'sku', 'Product in JPY');
    await form.opensWith('currency', 'JPY');
    await form.fill('sku', 'TEE-YEN');
    await form.fill('name', 'Tee (yen)');
    await form.fill('description', 'Priced in yen.');
    await form.fill('price', '1250');
    await form.fill('taxCode', '20010');
    await form.tick('trackStock');
    await form.fill('stock', '5');
    await form.fill('sortOrder', '3');
    const row = await form.save('Product', () => db().product.findFirst({ where: { tenantId, sku: 'TEE-YEN' } }));
    expect(row).toMatchObject({
      tenantId,
      sku: 'TEE-YEN',
      name: 'Tee (yen)',
      description: 'Priced in yen.',
      unitPriceCents: 1250,
      currency: 'JPY',
      active: true,
      requiredRoleIds: [],
      grantedRoleIds: [],
      accessDays: null,
      digitalKind: null,
      downloadUrl: null,
      taxCode: '20010',
      trackStock: true,
      stock: 5,
      sortOrder: 3,
    });
    await form.shows(['TEE-YEN', 'Tee (yen)', '¥1,250', 'Priced in yen.', '20010'], 'Product');

    await form.openNew('Product', ownerEmail, 'sku', 'Product in USD refused');
    await form.fill('sku', 'TEE-USD');
    await form.fill('name', 'Tee (dollars)');
    await form.fill('price', '12.50');
    await form.fill('currency', 'USD');
    await browser.page.locator('[data-testid="button-save"]').first().click();
    await underField('currency', REFUSED_PRODUCT);
    await browser.shot('product-usd-refused');
    expect(await browser.page.locator('[name="currency"]').first().inputValue()).toBe('USD');
    expect(await db().product.count({ where: { tenantId, sku: 'TEE-USD' } })).toBe(0);
  });

  it("Edit product, as the shop's admin: the old USD product is saved only priced in JPY", { timeout: 420_000 }, async () => {
    browser.reportFailure('product-reprice');
    const before = await db().product.findUniqueOrThrow({ where: { id: oldProductId } });
    await openEdit('Product', oldProductId, 'price', '12.50');
    await browser.page.locator('[name="name"]').fill('Old tee');
    const refused = await save(oldProductId);
    expect(refused.notice).toEqual(expect.objectContaining({ type: 'error', message: REFUSED_PRODUCT }));
    await underField('currency', REFUSED_PRODUCT);
    expectOnly(before, await db().product.findUniqueOrThrow({ where: { id: oldProductId } }), {});

    await openEdit('Product', oldProductId, 'price', '12.50');
    await browser.page.locator('[name="name"]').fill('Old tee');
    await browser.page.locator('[name="currency"]').fill('JPY');
    await browser.page.locator('[name="price"]').fill('1800');
    expect((await save(oldProductId)).notice?.type).toBe('success');
    expectOnly(before, await db().product.findUniqueOrThrow({ where: { id: oldProductId } }), {
      name: 'Old tee',
      currency: 'JPY',
      unitPriceCents: 1800,
    });
    await openEdit('Product', oldProductId, 'price', '1800');
    expect(await browser.page.locator('[name="currency"]').first().inputValue()).toBe('JPY');
  });
});
