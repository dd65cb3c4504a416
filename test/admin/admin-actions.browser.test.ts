// Panel actions that no other browser test clicks, in Chromium as an owner uses them: change the password,
// upload licence keys on a product, and delete a record from its page after the question. Each is read back
// from the database, not only from the notice. Screenshots are kept in test-output/admin-actions/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/platform/crypto.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { PASSWORD, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

const db = () => testDb();
const f = () => factories();

describe.skipIf(!runBrowserTests)('panel actions, clicked', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId: string;
  let owner: { id: string; email: string };

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-actions');
    tenantId = (await f().tenant()).id;
    owner = await f().adminUser({ tenantId });
    await browser.signIn(app.baseUrl, owner.email);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  function onFailure(name: string) {
    browser.trail.length = 0;
    browser.reportFailure(name);
  }
  const failedRequests = () => browser.trail.filter((t) => !t.startsWith('console:'));

  it('Upload keys: the keys pasted on a product become its stock, a key pasted twice is stored once', { timeout: 300_000 }, async () => {
    onFailure('upload-keys');
    const { page } = browser;
    const product = await f().product({ tenantId, name: 'Game key', digitalKind: 'LICENSE_KEY', trackStock: true, stock: 0 });
    await page.goto(`${app.baseUrl}/admin/resources/Product/records/${product.id}/show`);
    await page.getByText('Game key').first().waitFor();
    // The action's button on the product's page, as the owner finds it.
    await page.locator('[data-testid="action-uploadKeys"]').first().click();
    await page.locator('[data-testid="upload-keys-form"] textarea[name="keys"]').fill('AAAA-1111\nBBBB-2222\nAAAA-1111\nCCCC-3333');
    await page.locator('[data-testid="upload-keys-form"] button[type="submit"]').click();
    await waitFor('the keys stored', async () => (await db().productKey.count({ where: { productId: product.id } })) >= 3);
    // The notice says so too (it comes with the answer, just after the commit).
    await expect.poll(() => page.locator('[data-testid="notice-wrapper"]').first().textContent()).toMatch(/3 keys added.*3 available/);
    await browser.shot('upload-keys');

    const keys = await db().productKey.findMany({ where: { productId: product.id }, orderBy: { code: 'asc' } });
    expect(keys.map((k) => [k.code, k.status, k.tenantId])).toEqual([
      ['AAAA-1111', 'AVAILABLE', tenantId],
      ['BBBB-2222', 'AVAILABLE', tenantId],
      ['CCCC-3333', 'AVAILABLE', tenantId],
    ]);
    expect((await db().product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(3);
    expect(failedRequests()).toEqual([]);
  });

  it('Delete: a shipping type is deleted from its page once the question is confirmed, and is gone', { timeout: 300_000 }, async () => {
    onFailure('delete');
    const { page } = browser;
    const keep = await f().shippingType({ tenantId, name: 'Keep me' });
    const gone = await f().shippingType({ tenantId, name: 'Delete me' });
    await page.goto(`${app.baseUrl}/admin/resources/ShippingType/records/${gone.id}/show`);
    await page.getByText('Delete me').first().waitFor();
    await page.locator('[data-testid="action-delete"]').first().click();
    // AdminJS asks first; the row is still there while it asks.
    const confirm = page.getByRole('button', { name: 'Confirm', exact: true });
    await confirm.waitFor();
    expect(await db().shippingType.count({ where: { id: gone.id } })).toBe(1);
    await confirm.click();
    await page.waitForURL((u) => u.pathname.endsWith('/resources/ShippingType'), { timeout: 60_000 });
    await waitFor('the shipping type deleted', async () => (await db().shippingType.count({ where: { id: gone.id } })) === 0);
    expect(await db().shippingType.count({ where: { id: keep.id } })).toBe(1);
    // The deletion is on the shop's audit trail, by whom.
    const entry = await db().auditLog.findFirstOrThrow({ where: { tenantId, action: 'shipping_type.deleted', entityId: gone.id } });
    expect([entry.actorType, entry.actorId]).toEqual(['PANEL_ADMIN', owner.id]);
    expect(failedRequests()).toEqual([]);
  });

  it(
    'Delete: a product on an order is refused with the reason and kept with its roles; one never ordered is deleted',
    { timeout: 300_000 },
    async () => {
      onFailure('delete-ordered-product');
      const { page } = browser;
      const sold = await f().product({ tenantId, name: 'VIP pass', grantedRoleIds: ['1578447662171029512'] });
      const customer = await f().customer({ tenantId });
      const order = await f().order({
        tenantId,
        customerId: customer.id,
        status: 'PAID',
        lines: [{ productId: sold.id, quantity: 1, unitPriceCents: 900 }],
      });
      const ent = await f().entitlement({
        tenantId,
        customerId: customer.id,
        productId: sold.id,
        orderId: order.id,
        roleId: '1578447662171029512',
      });

      await page.goto(`${app.baseUrl}/admin/resources/Product/records/${sold.id}/show`);
      await page.getByText('VIP pass').first().waitFor();
      await page.locator('[data-testid="action-delete"]').first().click();
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      // Before: the delete went through and took the order's entitlement with it (a later refund kept the role).
      await expect
        .poll(() => page.locator('[data-testid="notice-wrapper"]').first().textContent())
        .toContain('"VIP pass" is on an order, so it cannot be deleted: refunds of those orders still need it');
      await browser.shot('delete-ordered-product');
      expect(await db().product.count({ where: { id: sold.id } })).toBe(1);
      expect((await db().entitlement.findUniqueOrThrow({ where: { id: ent.id } })).status).toBe('GRANTED');
      expect(await db().auditLog.count({ where: { tenantId, action: 'product.deleted', entityId: sold.id } })).toBe(0);

      // Turning it off is what the notice says to do, and a product made by mistake still goes.
      const mistake = await f().product({ tenantId, name: 'Typo product' });
      await page.goto(`${app.baseUrl}/admin/resources/Product/records/${mistake.id}/show`);
      await page.getByText('Typo product').first().waitFor();
      await page.locator('[data-testid="action-delete"]').first().click();
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      await page.waitForURL((u) => u.pathname.endsWith('/resources/Product'), { timeout: 60_000 });
      await waitFor('the product deleted', async () => (await db().product.count({ where: { id: mistake.id } })) === 0);
      expect(failedRequests()).toEqual([]);
    },
  );

  it('Change password: the new password is the one stored, and the old one no longer matches', { timeout: 300_000 }, async () => {
    onFailure('change-password');
    const { page } = browser;
    const next = 'a brand new passphrase for the shop';
    await page.goto(`${app.baseUrl}/admin/pages/changePassword`);
    const form = page.getByTestId('account-password-form');
    await form.locator('#account-currentPassword').fill(PASSWORD);
    await form.locator('#account-newPassword').fill(next);
    await form.locator('#account-confirmPassword').fill(next);
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('account-password-notice').textContent()).toMatch(/changed/i);
    await browser.shot('change-password');

    const row = await db().adminUser.findUniqueOrThrow({ where: { id: owner.id } });
    expect(await verifyPassword(next, row.passwordHash)).toBe(true);
    expect(await verifyPassword(PASSWORD, row.passwordHash)).toBe(false);
    expect(failedRequests()).toEqual([]);
  });
});
