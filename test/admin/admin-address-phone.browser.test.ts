// An address's "Recipient name confirmed" on a phone (390x844, touch), as a shop admin corrects the Discord name of
// an address saved before the address form asked for the recipient: what the box means is written under it, on
// the screen, and reading it does not change the box (AdminJS put it behind a "?" inside the box's label: tapping
// the "?" ticked the box, and its tooltip ran off the left of the screen). Skipped without Chromium unless CI=true.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { runBrowserTests } from './browser-session.js';
import { useSignedInPhone } from './phone-session.js';

describe.skipIf(!runBrowserTests)("an address's 'Recipient name confirmed' on a phone", () => {
  const phone = useSignedInPhone('admin-address-phone', 'owner@address-phone.test');
  const f = factories();

  it(
    'says what the box means under it, on the screen; reading it leaves the box as it was; ticking it saves',
    { timeout: 420_000 },
    async () => {
      const { app, browser, tenantId } = phone;
      browser.reportFailure('recipient-confirmed');
      const { page } = browser;
      const customer = await f.customer({ tenantId, displayName: 'Pat Phone' });
      const old = await f.address({ tenantId, customerId: customer.id, name: 'pat_1999', nameTyped: false, line1: '1 Elm St' });
      await page.goto(`${app.baseUrl}/admin/resources/Address/records/${old.id}/edit`);
      const box = page.locator('input[type="checkbox"][name="nameTyped"]');
      await box.waitFor({ state: 'attached' });

      const help = page.getByTestId('nameTyped-help');
      await help.scrollIntoViewIfNeeded();
      await expect(help.innerText()).resolves.toContain('Ticked: orders ship to this name as it is.');
      const at = (await help.boundingBox())!;
      expect(at.x).toBeGreaterThanOrEqual(0);
      expect(at.x + at.width).toBeLessThanOrEqual(390);
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
      await help.tap();
      // The box is read after React's next renders, so a tick the tap caused would show.
      await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
      expect(await box.isChecked()).toBe(false);
      // Unticked is an answer: the label carries no required star.
      await expect(page.locator('label[for="nameTyped"]').innerText()).resolves.toBe('Recipient name confirmed');

      await page.locator('input[name="name"]').fill('Pat Lake');
      await page.locator('label[for="nameTyped"]').tap();
      // React ticks it on its next render: wait for it (CI on Node 24 read the box before that render once).
      await expect.poll(() => box.isChecked()).toBe(true);
      await page.locator('button[type="submit"]').tap();
      await expect
        .poll(async () => testDb().address.findUniqueOrThrow({ where: { id: old.id } }))
        .toMatchObject({ name: 'Pat Lake', nameTyped: true, line1: '1 Elm St' });
    },
  );
});
