// The panel's "New" forms, in Chromium: fill every field of a product, a shipping type, a discount and an admin
// user as a shop owner does, save, and read the row back from the database (every column as typed) and from its
// show page. The edit forms have their own round trip (admin-round-trip.browser.test.ts); these create.
// The admin user form offers only what the signed-in admin may give: a shop admin is not offered "Platform admin"
// and is told the new person works for the shop; the new person then signs in with the password typed.
// Screenshots are kept in test-output/admin-new-forms/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { PASSWORD, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { newFormDriver } from './new-form-driver.js';

const db = () => testDb();
const f = () => factories();

describe.skipIf(!runBrowserTests)('the New forms save every field as typed', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId: string;
  let ownerEmail: string;
  let platformEmail: string;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-new-forms');
    // The shop keeps New York time; the browser is in Pacific/Pago_Pago (browser-session.ts BROWSER_TIME_ZONE), 6 hours behind.
    const tenant = await f().tenant({ enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'], timeZone: 'America/New_York' });
    tenantId = tenant.id;
    ownerEmail = (await f().adminUser({ tenantId })).email;
    platformEmail = (await f().adminUser({ role: 'PLATFORM_ADMIN', tenantId: null })).email;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const form = newFormDriver({ browser: () => browser, baseUrl: () => app.baseUrl });
  const { openNew, fill, pick, tick, opensTicked, isTicked, opensWith, save, shows } = form;
  /** The panel's date field is a native date-time input of the shop's wall clock: a date and time as a phone picks one. */
  const typeDate = (name: string, wall: string) => browser.page.locator(`input[type="datetime-local"][name="${name}"]`).fill(wall);

  it('Product: every field, role ids included, is saved and shown', { timeout: 420_000 }, async () => {
    await openNew('Product', ownerEmail, 'sku', 'Product');
    const role = snowflake();
    await fill('sku', 'TEE-NAVY-L');
    await fill('name', 'Navy tee (L)');
    await fill('description', 'Heavy cotton, screen printed.\nShips folded.');
    await fill('price', '24.50');
    await fill('currency', 'USD');
    await opensTicked('active');
    await browser.page.getByTestId('multi-value-requiredRoleIds-input').fill(role);
    await browser.page.keyboard.press('Enter');
    await fill('accessDays', '30');
    await pick('digitalKind', 'Download link');
    await fill('downloadUrl', 'https://files.example.com/tee-pattern.pdf');
    await fill('taxCode', '20010');
    await tick('trackStock');
    await fill('stock', '12');
    await fill('sortOrder', '4');
    const row = await save('Product', () => db().product.findFirst({ where: { tenantId, sku: 'TEE-NAVY-L' } }));
    expect(row).toMatchObject({
      tenantId,
      sku: 'TEE-NAVY-L',
      name: 'Navy tee (L)',
      description: 'Heavy cotton, screen printed.\nShips folded.',
      unitPriceCents: 2450,
      currency: 'USD',
      active: true,
      requiredRoleIds: [role],
      grantedRoleIds: [],
      accessDays: 30,
      digitalKind: 'DOWNLOAD_LINK',
      downloadUrl: 'https://files.example.com/tee-pattern.pdf',
      taxCode: '20010',
      trackStock: true,
      stock: 12,
      sortOrder: 4,
    });
    await shows(
      ['TEE-NAVY-L', 'Navy tee (L)', '$24.50', role, 'Download link', 'https://files.example.com/tee-pattern.pdf', '20010', '12'],
      'Product',
    );
  });

  it(
    "Product: the form opens on sale, in the shop's currency, with stock and order 0, and saves that as it opened",
    { timeout: 420_000 },
    async () => {
      // A shop that sells in euros, and an owner of its own.
      const shop = await f().tenant({ currency: 'EUR' });
      const email = (await f().adminUser({ tenantId: shop.id })).email;
      await openNew('Product', email, 'sku', 'Product defaults');
      await opensTicked('active');
      await opensWith('currency', 'EUR');
      await opensWith('stock', '0');
      await opensWith('sortOrder', '0');
      expect(await isTicked('trackStock')).toBe(false);
      await fill('sku', 'SCARF-RED');
      await fill('name', 'Red scarf');
      await fill('price', '19');
      const row = await save('Product', () => db().product.findFirst({ where: { tenantId: shop.id, sku: 'SCARF-RED' } }));
      expect(row).toMatchObject({
        name: 'Red scarf',
        unitPriceCents: 1900,
        currency: 'EUR',
        active: true,
        trackStock: false,
        stock: 0,
        sortOrder: 0,
      });
      await shows(['SCARF-RED', 'Red scarf', '€19.00'], 'Product');
    },
  );

  it(
    'Product and Discount: a number out of range is refused under its field with the range, and the form keeps it',
    { timeout: 420_000 },
    async () => {
      const page = await openNew('Product', ownerEmail, 'sku', 'Product out of range');
      const saveButton = page.locator('[data-testid="button-save"], form button[type="submit"]').first();
      /** The message under a field once the save is refused, and the value the field kept. */
      const refused = async (field: string, message: string, typed: string) => {
        await page.getByTestId(`property-edit-${field}`).filter({ hasText: message }).first().waitFor();
        expect(await page.locator(`[name="${field}"]`).first().inputValue()).toBe(typed);
      };
      await fill('sku', 'MUG-MINUS');
      await fill('name', 'Mug');
      await fill('price', '9');
      await fill('stock', '-1');
      await saveButton.click();
      await refused('stock', 'a whole number from 0 to 10,000,000', '-1');
      expect(await db().product.count({ where: { tenantId, sku: 'MUG-MINUS' } })).toBe(0);
      await browser.shot('Product-out-of-range');

      await openNew('Discount', ownerEmail, 'name', 'Discount out of range');
      await fill('name', 'Too generous');
      await pick('type', 'Percent');
      await fill('percentOff', '150');
      await pick('scope', 'Every customer');
      await fill('maxUses', '0');
      await saveButton.click();
      await refused('percentOff', 'a whole number from 1 to 100', '150');
      await refused('maxUses', 'a whole number from 1 to 10,000,000', '0');
      expect(await db().discount.count({ where: { tenantId, name: 'Too generous' } })).toBe(0);
      await browser.shot('Discount-out-of-range');
    },
  );

  it('Shipping type: name, price, active and order are saved and shown', { timeout: 420_000 }, async () => {
    await openNew('ShippingType', ownerEmail, 'name', 'ShippingType');
    await fill('name', 'Tracked courier');
    await fill('price', '8.95');
    await opensTicked('active');
    await fill('sortOrder', '-2');
    const row = await save('ShippingType', () => db().shippingType.findFirst({ where: { tenantId, name: 'Tracked courier' } }));
    expect(row).toMatchObject({
      tenantId,
      name: 'Tracked courier',
      priceCents: 895,
      active: true,
      sortOrder: -2,
    });
    await shows(['Tracked courier', '$8.95'], 'ShippingType');
  });

  it(
    'Discount: a fixed amount with its dates (typed in shop time, wherever the admin is), minimum and limits is saved and shown',
    { timeout: 420_000 },
    async () => {
      const page = await openNew('Discount', ownerEmail, 'name', 'Discount');
      await fill('name', 'Winter five');
      await pick('type', 'Fixed amount');
      await fill('amountOff', '5.00');
      await pick('scope', 'Assigned');
      await typeDate('startsAt', '2026-12-15T09:00');
      await typeDate('endsAt', '2027-01-31T23:59');
      await page.getByText('Shop time (America/New_York).').first().waitFor();
      await fill('minSubtotal', '20');
      await fill('maxUses', '100');
      await fill('maxUsesPerCustomer', '1');
      await opensTicked('active');
      const row = await save('Discount', () => db().discount.findFirst({ where: { tenantId, name: 'Winter five' } }));
      // 09:00 and 23:59 on the shop's clock (EST, UTC-5), not the browser's (NZDT, UTC+13).
      expect(row).toMatchObject({
        tenantId,
        name: 'Winter five',
        type: 'FIXED_AMOUNT',
        percentOff: null,
        amountOffCents: 500,
        scope: 'ASSIGNED',
        startsAt: new Date('2026-12-15T14:00:00Z'),
        endsAt: new Date('2027-02-01T04:59:00Z'),
        minSubtotalCents: 2000,
        maxUses: 100,
        maxUsesPerCustomer: 1,
        active: true,
      });
      await shows(['Winter five', '$5.00', '$20.00', '100', 'Dec 15, 2026, 9:00 AM EST', 'Jan 31, 2027, 11:59 PM EST'], 'Discount');

      // The edit form shows the same wall times; clearing the end and saving keeps the start as it was.
      await page.goto(`${app.baseUrl}/admin/resources/Discount/records/${row.id}/edit`);
      const start = page.locator('input[type="datetime-local"][name="startsAt"]');
      await expect.poll(() => start.inputValue()).toBe('2026-12-15T09:00');
      expect(await page.locator('input[type="datetime-local"][name="endsAt"]').inputValue()).toBe('2027-01-31T23:59');
      // A half-typed start (its month wiped) is not saved as "no start": the browser holds the form and says why.
      await start.focus();
      await page.keyboard.press('Backspace');
      await page.locator('[data-testid="button-save"], form button[type="submit"]').first().click();
      expect(await start.evaluate((el: HTMLInputElement) => [el.validity.badInput, el.validationMessage !== ''])).toEqual([true, true]);
      expect(page.url()).toMatch(/\/edit$/);
      expect((await db().discount.findUniqueOrThrow({ where: { id: row.id } })).startsAt).toEqual(new Date('2026-12-15T14:00:00Z'));
      await page.goto(`${app.baseUrl}/admin/resources/Discount/records/${row.id}/edit`);
      await expect.poll(() => start.inputValue()).toBe('2026-12-15T09:00');
      await page.locator('[data-testid="property-edit-endsAt"]').getByRole('button', { name: 'Clear' }).click();
      await page.locator('[data-testid="button-save"], form button[type="submit"]').first().click();
      await waitFor('end cleared', async () =>
        (await db().discount.findUniqueOrThrow({ where: { id: row.id } })).endsAt === null ? true : null,
      );
      expect((await db().discount.findUniqueOrThrow({ where: { id: row.id } })).startsAt).toEqual(new Date('2026-12-15T14:00:00Z'));
    },
  );

  it(
    'Admin user: a shop admin is offered Shop admin and Staff only, the person works for the shop, and signs in',
    { timeout: 420_000 },
    async () => {
      const page = await openNew('AdminUser', ownerEmail, 'email', 'AdminUser');
      // The role select offers the two shop roles, not "Platform admin".
      await page.locator('#role').click();
      await expect.poll(() => page.locator('[class*="option"]').allTextContents()).toEqual(['Shop admin', 'Staff']);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('admin-shop-field').textContent()).toContain('Your shop');
      // Labelled "Shop", as the panel names tenants everywhere a shop owner reads.
      expect(await page.getByTestId('admin-shop-field').locator('label').first().textContent()).toBe('Shop');

      await fill('email', 'Sam.Staff@Shop.Example');
      await pick('role', 'Staff');
      await expect.poll(() => page.getByTestId('admin-role-select').textContent()).toContain('Handles orders');
      await fill('password', PASSWORD);
      const row = await save('AdminUser', () => db().adminUser.findUnique({ where: { email: 'sam.staff@shop.example' } }));
      expect(row).toMatchObject({ tenantId, email: 'sam.staff@shop.example', role: 'TENANT_STAFF' });
      expect(row.passwordHash).not.toContain(PASSWORD);
      await shows(['sam.staff@shop.example', 'Staff'], 'AdminUser');

      // The password typed is the one saved: the new person signs in, as staff of this shop.
      await browser.signIn(app.baseUrl, 'sam.staff@shop.example');
      form.signedIn('sam.staff@shop.example');
      expect(await page.textContent('body')).toContain('sam.staff@shop.example');
    },
  );

  it('Admin user: a platform admin picks the shop for a shop role, and none for a platform admin', { timeout: 420_000 }, async () => {
    const page = await openNew('AdminUser', platformEmail, 'email', 'AdminUser-platform');
    await page.locator('#role').click();
    await expect.poll(() => page.locator('[class*="option"]').allTextContents()).toEqual(['Platform admin', 'Shop admin', 'Staff']);
    await page.keyboard.press('Escape');

    await fill('email', 'ops@platform.example');
    await pick('role', 'Platform admin');
    await expect.poll(() => page.getByTestId('admin-shop-field').textContent()).toContain('belongs to no shop');
    await fill('password', PASSWORD);
    const row = await save('AdminUser', () => db().adminUser.findUnique({ where: { email: 'ops@platform.example' } }));
    expect(row).toMatchObject({
      email: 'ops@platform.example',
      role: 'PLATFORM_ADMIN',
      tenantId: null,
    });
    await shows(['ops@platform.example', 'Platform admin'], 'AdminUser');
  });
});
