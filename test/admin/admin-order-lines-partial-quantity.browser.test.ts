// An unpaid order's line quantity typed part way in a real headless Chromium. The editor (a number input) used to read
// "1.5" as 1 (the field snapped to "1", and a Save wrote 1) and "-", which Chromium reports as empty, as 0: the field
// showed "0" and a Save removed the line. ("1." itself read as 1.) Now the quantity stays as typed and a Save is refused
// with a message under that line; nothing is written. A whole number still saves. Waits are on page state, never on
// time. Skipped without Chromium unless CI=true.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';

const OUT = join(process.cwd(), 'test-output', 'admin-order-lines-partial-quantity');

describe.skipIf(!runBrowserTests)('an order line quantity typed part way, in a browser', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let page: Page;
  const f = factories();
  let tenantId: string;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    app = await startAdminApp();
    browser = await openBrowser('admin-order-lines-partial-quantity');
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    tenantId = (await f.tenant({ inventoryTracking: true })).id;
    await browser.signIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('keeps "1." and "1.5" as typed, refuses the Save under the line, and saves a whole number', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: join(OUT, 'failure.png'), fullPage: true }).catch(() => undefined);
    });
    const customerId = (await f.customer({ tenantId, displayName: 'Pat Partial' })).id;
    const tee = await f.product({ tenantId, name: 'Plain Tee', unitPriceCents: 2000 });
    const mug = await f.product({ tenantId, name: 'Camp Mug', unitPriceCents: 1200 });
    const order = await f.order({
      tenantId,
      customerId,
      lines: [
        { productId: tee.id, name: tee.name, quantity: 1, unitPriceCents: 2000 },
        { productId: mug.id, name: mug.name, quantity: 2, unitPriceCents: 1200 },
      ],
    });
    const linesNow = async () =>
      (await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true } })).items
        .map((i) => [i.productId, i.quantity])
        .sort();
    const before = await linesNow();

    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/edit`);
    const mugQty = page.locator(`[data-testid="line-qty-${mug.id}"]`);
    await mugQty.waitFor();

    for (const typed of ['1.', '1.5', '-']) {
      await mugQty.click();
      await mugQty.press('ControlOrMeta+a');
      await mugQty.pressSequentially(typed);
      expect(await mugQty.inputValue()).toBe(typed);
      await page.click('button[type="submit"]');
      const message = page.locator(`[data-testid="line-qty-error-${mug.id}"]`);
      await message.waitFor();
      expect(await message.textContent()).toContain('whole number');
      expect(await mugQty.inputValue()).toBe(typed);
      expect(page.url()).toMatch(/\/edit(\?|$)/);
      expect(await linesNow()).toEqual(before);
    }

    await mugQty.fill('3');
    await page.locator(`[data-testid="line-qty-error-${mug.id}"]`).waitFor({ state: 'detached' });
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => !/\/edit(\?|$)/.test(u.pathname));
    expect(await linesNow()).toEqual(
      [
        [tee.id, 1],
        [mug.id, 3],
      ].sort(),
    );
  }, 300_000);
});
