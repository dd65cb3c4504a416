// An admin who sets their own password in Admin users (Settings) stays signed in, as with "Change password", and
// every other session of that account ends (docs/decisions/admin-panel.md, "Sign-in and sessions"), in Chromium:
// the owner is signed in in two browsers, saves a new password in the first, goes on working there, and the second
// browser is back at the sign-in page; the new password signs in, the old one does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { login, PASSWORD, startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';

const f = () => factories();

describe.skipIf(!runBrowserTests)('own password set in Admin users', () => {
  let app: RunningAdmin;
  let here: BrowserSession;
  let elsewhere: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    here = await openBrowser('admin-own-password');
    elsewhere = await openBrowser('admin-own-password-elsewhere');
  }, 300_000);
  afterAll(async () => {
    await here?.close();
    await elsewhere?.close();
    await app?.close();
  });

  it(
    'keeps this session signed in and ends the other one; the new password works, the old one does not',
    { timeout: 300_000 },
    async () => {
      here.reportFailure('own-password');
      elsewhere.reportFailure('own-password-elsewhere');
      const tenantId = (await f().tenant()).id;
      const owner = await f().adminUser({ tenantId });
      await here.signIn(app.baseUrl, owner.email);
      await elsewhere.signIn(app.baseUrl, owner.email);
      const before = await testDb().adminUser.findUniqueOrThrow({ where: { id: owner.id } });

      const { page } = here;
      const next = 'a long new passphrase for this admin';
      await page.goto(`${app.baseUrl}/admin/resources/AdminUser/records/${owner.id}/edit`);
      await page.locator('[name="password"]').fill(next);
      const saved = await pressSave(page, `/records/${owner.id}/edit`);
      expect(((await saved.json()) as { notice?: { type: string } }).notice?.type).toBe('success');
      // Only the password changed.
      const after = await testDb().adminUser.findUniqueOrThrow({ where: { id: owner.id } });
      expect({ ...after, passwordHash: before.passwordHash, updatedAt: before.updatedAt }).toEqual(before);
      expect(after.passwordHash).not.toBe(before.passwordHash);

      // This browser goes on: the next page loads signed in.
      await page.goto(`${app.baseUrl}/admin/resources/Order`);
      // (Signed out, the server sends the page to /admin/login.)
      expect(new URL(page.url()).pathname).toBe('/admin/resources/Order');
      await page.locator('[data-css="sidebar"]').first().waitFor({ state: 'attached' });
      const api = await page.evaluate(async () => (await fetch('/admin/api/resources/Order/actions/list')).status);
      expect(api).toBe(200);

      // The other browser is signed out.
      await elsewhere.page.goto(`${app.baseUrl}/admin/resources/Order`);
      await elsewhere.page.waitForURL(`${app.baseUrl}/admin/login`);

      expect((await login(app.baseUrl, owner.email, next)).res.status).toBe(303);
      expect((await login(app.baseUrl, owner.email, PASSWORD)).res.status).not.toBe(303);
    },
  );
});
