// A shop whose Discord server's administrators are its admins settles "No admin role is set" on the dashboard:
// the owner presses "Keep it to the server's administrators", the item goes and stays gone after a reload, the
// dashboard and the shop's History say who chose it and when, and Undo brings the item back. Its staff see the
// item without the choice, and the panel refuses the choice from them. Skipped without Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminAccountsService } from '../../src/modules/admin-accounts/admin-accounts.service.js';
import { testDb } from '../helpers/db.js';
import { PASSWORD, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

describe.skipIf(!runBrowserTests)("the checklist's admin role item, settled by the shop's choice", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId: string;
  let ownerId: string;
  const owner = 'owner@server-admins.test';
  const staff = 'staff@server-admins.test';

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-server-admins-only');
    const accounts = createAdminAccountsService({ db: testDb() });
    tenantId = (await accounts.createShop({ name: 'Server Admins Shop', guildId: '855555555555555556', currency: 'USD' })).tenant.id;
    ownerId = (await accounts.createAdmin({ email: owner, password: PASSWORD, role: 'TENANT_ADMIN', tenantId })).id;
    await accounts.createAdmin({ email: staff, password: PASSWORD, role: 'TENANT_STAFF', tenantId });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const choices = () =>
    testDb().auditLog.findMany({
      where: { tenantId, entityType: 'Tenant', entityId: tenantId, action: { startsWith: 'tenant.server_admins_only' } },
      orderBy: { createdAt: 'asc' },
      select: { action: true, actorType: true, actorId: true },
    });

  it('the owner settles it, it stays settled, the History says who, Undo brings it back', { timeout: 420_000 }, async () => {
    browser.reportFailure('owner');
    const { page } = browser;
    await browser.signIn(app.baseUrl, owner);
    const item = page.locator('[data-testid="readiness-adminRole"]');
    await item.waitFor();
    expect(await item.innerText()).toContain('No admin role is set');

    await page.locator('[data-testid="readiness-settle-adminRole"]').click();
    await page.locator('[data-testid="server-admins-only"]').waitFor();
    expect(await item.count()).toBe(0);
    expect(await page.locator('[data-testid="server-admins-only"]').innerText()).toContain(`chosen by ${owner}`);
    expect(await choices()).toEqual([{ action: 'tenant.server_admins_only_chosen', actorType: 'PANEL_ADMIN', actorId: ownerId }]);

    // Reloaded: still settled (it is the shop's, not this browser's).
    await page.reload();
    await page.locator('[data-testid="server-admins-only"]').waitFor();
    await page.locator('[data-testid="readiness-adminChannel"]').waitFor();
    expect(await item.count()).toBe(0);
    await browser.shot('server-admins-1-settled');

    // The shop's History says who chose it.
    await page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenantId}/show`);
    const history = page.locator('[data-testid="audit-timeline"]');
    await expect
      .poll(() => history.innerText().catch(() => ''))
      .toContain("Chose: in Discord, only the server's administrators are admins");
    expect(await history.innerText()).toContain(owner);

    // Undo: the item is back.
    await page.goto(`${app.baseUrl}/admin`);
    await page.locator('[data-testid="server-admins-only-undo"]').click();
    await item.waitFor();
    expect(await page.locator('[data-testid="server-admins-only"]').count()).toBe(0);
    expect((await choices()).map((c) => c.action)).toEqual(['tenant.server_admins_only_chosen', 'tenant.server_admins_only_undone']);
    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  });

  it('staff see the item but may not settle it', { timeout: 300_000 }, async () => {
    browser.reportFailure('staff');
    const { page } = browser;
    const before = (await choices()).length;
    await browser.signIn(app.baseUrl, staff);
    await page.locator('[data-testid="readiness-adminRole"]').waitFor();
    expect(await page.locator('[data-testid="readiness-settle-adminRole"]').count()).toBe(0);
    // Posted as the panel's own page would (the CSRF script adds the token): refused.
    const status = await page.evaluate(async () => {
      const res = await fetch('/admin/api/shop/server-admins-only', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ chosen: true }),
      });
      return res.status;
    });
    expect(status).toBe(403);
    expect(await choices()).toHaveLength(before);
    await page.reload();
    await page.locator('[data-testid="readiness-adminRole"]').waitFor();
  });
});
