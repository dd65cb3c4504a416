// A NUL character pasted into a panel form, in a real headless Chromium: the product's edit form shows the refusal
// under the field (resources/storable-form-text.ts) and its notice, and the product reads back whole, every column
// as before. Before, the save answered 400 "Invalid list, filter or sort parameters." and the form showed nothing.
// Screenshots in test-output/admin-unstorable-text/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)('text that cannot be stored, in a panel form in a browser', () => {
  const f = factories();
  let app: RunningAdmin;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-unstorable-text');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("a product's name with a NUL: the field says why, the notice says nothing was saved, the row reads back unchanged", async () => {
    browser.reportFailure('product-nul');
    const tenant = await f.tenant({});
    const owner = await f.adminUser({ tenantId: tenant.id });
    const product = await f.product({ tenantId: tenant.id, name: 'Felt hat', unitPriceCents: 2500 });
    const before = await testDb().product.findUniqueOrThrow({ where: { id: product.id } });
    const { page } = browser;
    await browser.signIn(app.baseUrl, owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/Product/records/${product.id}/edit`);
    const name = page.locator('input[name="name"]');
    await name.waitFor();
    await name.fill('Felt\u0000hat');
    const resp = await pressSave(page, `/records/${product.id}/edit`);
    expect(resp.status()).toBe(200);
    await page.getByText('This field contains a NUL character').first().waitFor();
    await page.getByText('Nothing was saved: Name holds text that cannot be saved.').first().waitFor();
    await browser.shot('refused');
    expect(await testDb().product.findUniqueOrThrow({ where: { id: product.id } })).toEqual(before);
  }, 450_000);
});
