// An unpaid order's line items edited in a real headless Chromium while a colleague changed them: the form's lines
// input posts the whole list on Save, which used to put back the lines the form had loaded (the colleague's added
// mug gone, the total with it) and answer "Order #n saved.". Now the Save is refused, said under Line items and in
// the notice, and the colleague's lines stay. Every wait is on page state, never on time. Skipped without Chromium
// unless CI=true.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { adminCtx } from '../helpers/actors.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';

const OUT = join(process.cwd(), 'test-output', 'admin-order-lines-stale');

describe.skipIf(!runBrowserTests)('order line items changed by a colleague while the edit form is open, in a browser', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let page: Page;
  const f = factories();
  let tenantId: string;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    app = await startAdminApp();
    browser = await openBrowser('admin-order-lines-stale');
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    tenantId = (await f.tenant({ inventoryTracking: true })).id;
    await browser.signIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('refuses the Save of lines a colleague changed since the form opened, and keeps theirs', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: join(OUT, 'failure.png'), fullPage: true }).catch(() => undefined);
    });
    const customerId = (await f.customer({ tenantId, displayName: 'Casey Colleague' })).id;
    const tee = await f.product({ tenantId, name: 'Plain Tee', unitPriceCents: 2000 });
    const mug = await f.product({ tenantId, name: 'Camp Mug', unitPriceCents: 1200 });
    const order = await f.order({
      tenantId,
      customerId,
      lines: [{ productId: tee.id, name: tee.name, quantity: 1, unitPriceCents: 2000 }],
    });

    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/edit`);
    await page.waitForSelector(`[data-testid="line-qty-${tee.id}"]`);

    // Meanwhile a colleague adds two mugs.
    await app.services.orderAdmin.update(adminCtx(tenantId), order.id, {
      items: [
        { productId: tee.id, quantity: 1 },
        { productId: mug.id, quantity: 2 },
      ],
    });

    await page.fill(`[data-testid="line-qty-${tee.id}"]`, '2');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="notice-wrapper"] >> text=changed since you opened it');
    await page.waitForSelector('[data-testid="order-lines-edit"] >> text=Changed since you opened the form');
    expect(page.url()).toMatch(/\/edit(\?|$)/);
    await page.screenshot({ path: join(OUT, 'refused.png'), fullPage: true });

    const row = await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true } });
    expect(row.items.map((i) => [i.productId, i.quantity]).sort()).toEqual(
      [
        [tee.id, 1],
        [mug.id, 2],
      ].sort(),
    );
    expect(row.totalCents).toBe(2000 + 2 * 1200);
  }, 300_000);
});
