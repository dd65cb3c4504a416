// The panel's tick boxes carry no required star, in Chromium: unticked is an answer ("no"), so a star on a box's
// label read as "you must tick this". Every NOT NULL boolean column was drawn with one (the adapter reported it
// required). The New and Edit forms of products, shipping types, discounts, addresses and the shop's settings
// are opened; no tick box's label has the star, the required text fields still have theirs; then forms are
// saved and every field read back: an unticked box saves false, a ticked one true, a box left alone keeps
// what was stored. The star is design-system Label's ::before ("*" when required).
// Screenshots are kept in test-output/admin-tick-box-stars/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { newFormDriver } from './new-form-driver.js';

const db = () => testDb();
const f = () => factories();

describe.skipIf(!runBrowserTests)('tick boxes carry no required star; required text fields keep theirs; forms save as shown', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId: string;
  let ownerEmail: string;
  const run = Math.random().toString(36).slice(2, 7);

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-tick-box-stars');
    tenantId = (await f().tenant({ name: `Star Goods ${run}`, enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'] })).id;
    ownerEmail = (await f().adminUser({ tenantId })).email;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const form = newFormDriver({ browser: () => browser, baseUrl: () => app.baseUrl });
  const { openNew, fill, tick, opensTicked, save } = form;
  const page = () => browser.page;
  const box = (name: string) => page().locator(`input[type="checkbox"][name="${name}"]`).first();

  /** Unticks a box as a click on it does (AdminJS's box is a hidden input under a drawn one). */
  async function untick(name: string) {
    await box(name).dispatchEvent('click');
    await expect.poll(() => box(name).isChecked(), { message: `${name} unticked` }).toBe(false);
  }

  /** Whether the label of the field `path` carries the required star (the label's ::before content is "*"). */
  const starred = (path: string) =>
    page().evaluate((p) => {
      const label = document.querySelector(`label[for="${p}"]`);
      return label ? getComputedStyle(label, '::before').content === '"*"' : `no label for ${p}`;
    }, path);

  /** Every tick box of the form with a label, and whether that label is starred. */
  const boxStars = () =>
    page().evaluate(() =>
      Array.from(document.querySelectorAll('form input[type="checkbox"]')).flatMap((input) => {
        const label = input.id ? document.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
        return label ? [[input.getAttribute('name'), getComputedStyle(label, '::before').content === '"*"'] as const] : [];
      }),
    );

  /**
   * The form shows `boxes` with no star among its tick boxes, and `required` text fields with theirs. Read once
   * React has drawn every box named (expect.poll), so a label not rendered yet is not read as "no star".
   */
  async function expectStars(boxes: string[], required: string[], label: string) {
    await expect
      .poll(async () => (await boxStars()).map(([name]) => name).sort(), { message: `${label}: tick boxes drawn` })
      .toEqual(expect.arrayContaining([...boxes].sort()));
    await browser.shot(`${label}-stars`);
    expect(
      (await boxStars()).filter(([, star]) => star),
      `${label}: tick boxes with a required star`,
    ).toEqual([]);
    for (const path of required) expect(await starred(path), `${label}: ${path} keeps its required star`).toBe(true);
  }

  /** Opens a record's Edit form (signed in as the shop's owner by an earlier openNew). */
  async function openEdit(resource: string, id: string, firstField: string) {
    browser.reportFailure(`${resource}-edit`);
    browser.trail.length = 0;
    await page().goto(`${app.baseUrl}/admin/resources/${resource}/records/${id}/edit`);
    await page().locator(`[name="${firstField}"]`).first().waitFor();
  }

  /** Saves an Edit form; the panel then leaves it (for the resource's list). */
  async function saveEdit(resource: string, id: string) {
    await page().locator('[data-testid="button-save"], form button[type="submit"]').first().click();
    await page().waitForURL((url) => !url.pathname.endsWith(`/${resource}/records/${id}/edit`), { timeout: 60_000 });
    expect(
      browser.trail.filter((t) => !t.startsWith('console:')),
      'failed requests',
    ).toEqual([]);
  }

  it(
    'Product: New and Edit show its boxes without a star, sku, name and price with one; every field saves as shown',
    { timeout: 420_000 },
    async () => {
      await openNew('Product', ownerEmail, 'sku', 'Product-new');
      await expectStars(['active', 'trackStock'], ['sku', 'name', 'price'], 'Product-new');
      await fill('sku', `STAR-${run}`);
      await fill('name', 'Star mug');
      await fill('price', '12.00');
      await opensTicked('active');
      await untick('active');
      const created = await save('Product', () => db().product.findFirst({ where: { tenantId, sku: `STAR-${run}` } }));
      expect(created).toMatchObject({
        tenantId,
        sku: `STAR-${run}`,
        name: 'Star mug',
        unitPriceCents: 1200,
        active: false,
        trackStock: false,
      });

      await openEdit('Product', created.id, 'name');
      await expectStars(['active', 'trackStock'], ['sku', 'name', 'price'], 'Product-edit');
      await tick('trackStock');
      await fill('stock', '7');
      await saveEdit('Product', created.id);
      const edited = await waitFor('product edited', async () => {
        const row = await db().product.findUnique({ where: { id: created.id } });
        return row?.trackStock ? row : null;
      });
      // Ticked saves true; the box left unticked stays false; nothing else moved.
      expect(edited).toMatchObject({
        sku: `STAR-${run}`,
        name: 'Star mug',
        unitPriceCents: 1200,
        active: false,
        trackStock: true,
        stock: 7,
      });
    },
  );

  it(
    'Shipping type: New shows active and Digital only without a star, name and price with one; both save as shown',
    { timeout: 420_000 },
    async () => {
      await openNew('ShippingType', ownerEmail, 'name', 'ShippingType-new');
      await expectStars(['active', 'digitalOnly'], ['name', 'price'], 'ShippingType-new');
      await fill('name', `Star post ${run}`);
      await fill('price', '3.50');
      await tick('digitalOnly');
      await untick('active');
      const created = await save('ShippingType', () => db().shippingType.findFirst({ where: { tenantId, name: `Star post ${run}` } }));
      expect(created).toMatchObject({ tenantId, priceCents: 350, active: false, digitalOnly: true, sortOrder: 0 });

      await openEdit('ShippingType', created.id, 'name');
      await expectStars(['active', 'digitalOnly'], ['name', 'price'], 'ShippingType-edit');
      await untick('digitalOnly');
      await saveEdit('ShippingType', created.id);
      const edited = await waitFor('shipping type edited', async () => {
        const row = await db().shippingType.findUnique({ where: { id: created.id } });
        return row && !row.digitalOnly ? row : null;
      });
      expect(edited).toMatchObject({ name: `Star post ${run}`, priceCents: 350, active: false, digitalOnly: false, sortOrder: 0 });
    },
  );

  it(
    'Discount: Edit shows active without a star and name with one; unticking saves false, the rest as stored',
    { timeout: 420_000 },
    async () => {
      const discount = await f().discount({ tenantId, name: `Star ten ${run}`, active: true });
      await openNew('Discount', ownerEmail, 'name', 'Discount-new');
      await expectStars(['active'], ['name'], 'Discount-new');
      await openEdit('Discount', discount.id, 'name');
      await expectStars(['active'], ['name'], 'Discount-edit');
      await untick('active');
      await saveEdit('Discount', discount.id);
      const edited = await waitFor('discount edited', async () => {
        const row = await db().discount.findUnique({ where: { id: discount.id } });
        return row && !row.active ? row : null;
      });
      expect(edited).toMatchObject({ name: `Star ten ${run}`, type: 'PERCENT', percentOff: 10, active: false, usedCount: 0 });
    },
  );

  it(
    "Address: 'Recipient name confirmed' (drawn with its help under it) has no star, as the other boxes",
    { timeout: 420_000 },
    async () => {
      const customer = await f().customer({ tenantId, displayName: `Sky Star ${run}` });
      const address = await f().address({ tenantId, customerId: customer.id, name: 'Sky Star', nameTyped: true });
      await openNew('Address', ownerEmail, 'line1', 'Address-new');
      await expectStars(['nameTyped'], ['line1', 'city'], 'Address-new');
      await openEdit('Address', address.id, 'line1');
      await expectStars(['nameTyped'], ['line1', 'city'], 'Address-edit');
    },
  );

  it(
    'Shop settings: its boxes have no star, its name has one; unticking one saves false and leaves the others as stored',
    { timeout: 420_000 },
    async () => {
      await db().tenant.update({
        where: { id: tenantId },
        data: { inventoryTracking: true, taxjarEnabled: false, addressValidation: false },
      });
      await openNew('Product', ownerEmail, 'sku', 'Tenant-sign-in');
      await openEdit('Tenant', tenantId, 'name');
      await expectStars(['inventoryTracking', 'taxjarEnabled', 'addressValidation'], ['name'], 'Tenant-edit');
      // A save that changes the name only: the ticked box left alone stays ticked, the unticked ones unticked.
      await fill('name', `Star Shop ${run}`);
      await saveEdit('Tenant', tenantId);
      const renamed = await waitFor('shop renamed', async () => {
        const row = await db().tenant.findUnique({ where: { id: tenantId } });
        return row?.name === `Star Shop ${run}` ? row : null;
      });
      expect(renamed).toMatchObject({ inventoryTracking: true, taxjarEnabled: false, addressValidation: false });

      await openEdit('Tenant', tenantId, 'name');
      await untick('inventoryTracking');
      await saveEdit('Tenant', tenantId);
      const edited = await waitFor('shop edited', async () => {
        const row = await db().tenant.findUnique({ where: { id: tenantId } });
        return row && !row.inventoryTracking ? row : null;
      });
      expect(edited).toMatchObject({
        name: `Star Shop ${run}`,
        inventoryTracking: false,
        taxjarEnabled: false,
        addressValidation: false,
        enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'],
      });
    },
  );
});
