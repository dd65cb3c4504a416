// Enums the lists show as badges are readable (WCAG AA, 4.5:1 for text) in Chromium: a discount's type and scope,
// an admin's role, a role change's state and action, a webhook delivery's status. AdminJS's own badge (white on light grey, 1.8:1) failed; presentation/labels.ts gives them its
// neutral tone. The API key's access level is checked in admin-api-key-access.browser.test.ts. Skipped without
// Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { cellContrast } from './contrast.js';

describe.skipIf(!runBrowserTests)('Enum badges in lists are readable', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-list-badges');
  }, 480_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("a discount's type and scope, an admin's role: in words, at least 4.5:1", { timeout: 420_000 }, async () => {
    browser.reportFailure('list-badges');
    const f = factories();
    const tenant = await f.tenant();
    const owner = await f.adminUser({ tenantId: tenant.id, email: 'owner@badges.test' });
    const discount = await f.discount({ tenantId: tenant.id, name: 'Tenner', type: 'PERCENT', percentOff: 10, scope: 'ASSIGNED' });
    const { page } = browser;
    await browser.signInForNextPage(app.baseUrl, owner.email);

    await page.goto(`${app.baseUrl}/admin/resources/Discount`);
    const row = `tr[data-id="${discount.id}"]`;
    await page.locator(row).waitFor();
    expect(await page.innerText(`${row} [data-property-name="type"]`)).toBe('Percent off');
    expect(await page.innerText(`${row} [data-property-name="scope"]`)).toBe('Assigned customers only');
    expect(await cellContrast(page, `${row} [data-property-name="type"]`)).toBeGreaterThanOrEqual(4.5);
    expect(await cellContrast(page, `${row} [data-property-name="scope"]`)).toBeGreaterThanOrEqual(4.5);
    await browser.shot('discounts');

    await page.goto(`${app.baseUrl}/admin/resources/AdminUser`);
    const me = `tr[data-id="${owner.id}"]`;
    await page.locator(me).waitFor();
    expect(await page.innerText(`${me} [data-property-name="role"]`)).toBe('Shop admin');
    expect(await cellContrast(page, `${me} [data-property-name="role"]`)).toBeGreaterThanOrEqual(4.5);
    await browser.shot('admins');
  });

  // Lists that left their enum to AdminJS until resources/enum-columns.ts: "FAILED" and "GRANT" on its grey badge.
  it(
    "a role change's state and action, a webhook delivery's status: in words, at least 4.5:1; a show page keeps the field's name",
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('role-changes-deliveries');
      const f = factories();
      const tenant = await f.tenant();
      const owner = await f.adminUser({ tenantId: tenant.id, email: 'owner@states.test' });
      const customer = await f.customer({ tenantId: tenant.id });
      const change = await testDb().roleChange.create({
        data: {
          tenantId: tenant.id,
          customerId: customer.id,
          entitlementId: 'ent_listbadges',
          orderId: 'ord_listbadges',
          productId: 'prd_listbadges',
          roleId: '123456789012345678',
          action: 'GRANT',
          state: 'FAILED',
          failureMessage: 'The bot cannot manage this role.',
          attempts: 1,
        },
      });
      const endpoint = await testDb().webhookEndpoint.create({
        data: { tenantId: tenant.id, url: 'https://hooks.example.com/states', events: ['order.paid'], secret: 'unused-here' },
      });
      const delivery = await testDb().webhookDelivery.create({
        data: {
          tenantId: tenant.id,
          endpointId: endpoint.id,
          eventType: 'order.paid',
          eventKey: 'order.paid:list-badges',
          body: '{}',
          status: 'SUCCEEDED',
          attempts: 1,
        },
      });
      const { page } = browser;
      await browser.signInForNextPage(app.baseUrl, owner.email);

      await page.goto(`${app.baseUrl}/admin/resources/RoleChange`);
      const row = `tr[data-id="${change.id}"]`;
      await page.locator(row).waitFor();
      expect(await page.innerText(`${row} [data-property-name="state"]`)).toBe('Failed');
      expect(await page.innerText(`${row} [data-property-name="action"]`)).toBe('Give the role');
      expect(await cellContrast(page, `${row} [data-property-name="state"]`)).toBeGreaterThanOrEqual(4.5);
      expect(await cellContrast(page, `${row} [data-property-name="action"]`)).toBeGreaterThanOrEqual(4.5);
      await browser.shot('role-changes');

      await page.goto(`${app.baseUrl}/admin/resources/RoleChange/records/${change.id}/show`);
      await page.getByTestId('enum-state').waitFor();
      expect((await page.getByTestId('enum-state').innerText()).split('\n').map((l) => l.trim())).toEqual(['State', 'Failed']);
      expect((await page.getByTestId('enum-action').innerText()).split('\n').map((l) => l.trim())).toEqual(['Action', 'Give the role']);
      await browser.shot('role-change-show');

      await page.goto(`${app.baseUrl}/admin/resources/WebhookDelivery`);
      const sent = `tr[data-id="${delivery.id}"]`;
      await page.locator(sent).waitFor();
      expect(await page.innerText(`${sent} [data-property-name="status"]`)).toBe('Delivered');
      expect(await cellContrast(page, `${sent} [data-property-name="status"]`)).toBeGreaterThanOrEqual(4.5);
      await browser.shot('webhook-deliveries');
    },
  );
});
