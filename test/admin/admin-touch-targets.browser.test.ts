// AdminJS's own controls on a phone (390x844, touch), as an owner approving a payment from it taps them: the
// login fields and button, the top bar's menu and "Log out", the sidebar's links, the breadcrumbs, a list's
// sortable column headers, a list row's actions and the menu they open (a tap opens it, and does not open the
// record), the pagination, the Filter button and the filter drawer's fields and buttons, an order's action
// buttons, a show page's links to other records, and a form's fields and tick boxes, each at least 44 px tall
// (and wide, where it is an icon or a short button), as our own components already are (public/touch-targets.css). On a desktop the panel keeps its layout: the sidebar open at the left, no
// menu button, AdminJS's own 34 px buttons. Skipped without Chromium unless CI=true.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { openBrowser, PHONE, runBrowserTests, type BrowserSession } from './browser-session.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';

const TARGET = 44;

/**
 * Each visible control of `locator` smaller than a finger's target: `label WxH` (empty: all big enough).
 * `wide`: the width counts too (icon buttons, short buttons), not only the height.
 */
async function tooSmall(locator: Locator, label: string, { wide }: { wide: boolean }): Promise<string[]> {
  const found: string[] = [];
  const all = await locator.all();
  expect(all.length, `${label}: no control found`).toBeGreaterThan(0);
  for (const [i, control] of all.entries()) {
    if (!(await control.isVisible())) continue;
    const box = (await control.boundingBox())!;
    if (box.height < TARGET || (wide && box.width < TARGET))
      found.push(`${label} #${i} ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return found;
}

/**
 * A tick box's hit area: the points 21 px from its centre (a 42 px square inside the 44 px target) reach the box
 * itself (AdminJS draws a 16 px box; the page under it would take the tap). Each is scrolled to first.
 */
async function checkboxMisses(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('.adminjs_Checkbox > a')).flatMap((box) => {
      box.scrollIntoView({ block: 'center' });
      const r = box.getBoundingClientRect();
      const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
      const corners = [
        [x - 21, y - 21],
        [x + 21, y - 21],
        [x - 21, y + 21],
        [x + 21, y + 21],
      ];
      const misses = corners.filter(([cx, cy]) => document.elementFromPoint(cx!, cy!) !== box).length;
      return misses ? [`tick box at ${Math.round(r.left)},${Math.round(r.top)}: ${misses} of 4 corners miss`] : [];
    }),
  );
}

describe.skipIf(!runBrowserTests)("AdminJS's own controls on a phone", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  const f = factories();
  let tenantId: string;
  let orderId: string;
  let addressId: string;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-touch-targets', PHONE);
    tenantId = (await f.tenant({})).id;
    await f.adminUser({ tenantId, email: 'owner@touch.test' });
    const customer = await f.customer({ tenantId, displayName: 'Pat Phone' });
    addressId = (await f.address({ tenantId, customerId: customer.id })).id;
    // More than a page (20) of orders: the list shows its pagination.
    for (let i = 0; i < 21; i++) orderId = (await f.order({ tenantId, customerId: customer.id, totalCents: 2500 })).id;
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('makes every login, top bar, sidebar, list, order and form control at least 44 px to tap', { timeout: 420_000 }, async () => {
    browser.reportFailure('touch-targets');
    const { page } = browser;
    const small: string[] = [];

    await page.goto(`${app.baseUrl}/admin/login`);
    await page.waitForSelector('input[name="email"]');
    small.push(...(await tooSmall(page.locator('form input[name="email"], form input[name="password"]'), 'login field', { wide: true })));
    small.push(...(await tooSmall(page.locator('form button'), 'login button', { wide: true })));
    await browser.shot('touch-1-login');

    await browser.signIn(app.baseUrl, 'owner@touch.test');
    await page.waitForSelector('[data-testid="dashboard"]');
    const menu = page.locator('[data-css="topbar"] > .adminjs_Box').first();
    small.push(...(await tooSmall(menu, 'menu button', { wide: true })));
    const userMenu = page.locator('[data-css="logged-in"]');
    small.push(...(await tooSmall(userMenu, 'admin menu', { wide: true })));
    await userMenu.tap();
    const logOut = page.locator('[data-css="logged-in"] a').last();
    await logOut.waitFor();
    small.push(...(await tooSmall(logOut, 'log out', { wide: true })));
    await page.mouse.click(10, 400);

    await menu.tap();
    const sidebarLinks = page.locator('[data-css="sidebar"] a:not([data-css="sidebar-logo"])');
    await expect.poll(async () => (await sidebarLinks.first().boundingBox())?.x ?? -1).toBeGreaterThanOrEqual(0);
    small.push(...(await tooSmall(sidebarLinks, 'sidebar link', { wide: true })));
    await browser.shot('touch-2-sidebar');

    const listUrl = `${app.baseUrl}/admin/resources/Order`;
    await page.goto(listUrl);
    await page.waitForSelector('[data-testid="actions-dropdown"]');
    small.push(...(await tooSmall(page.locator('.adminjs_Breadcrumbs a'), 'breadcrumb', { wide: true })));
    small.push(...(await tooSmall(page.locator('.adminjs_SortLink'), 'column header', { wide: true })));
    small.push(...(await tooSmall(page.locator('[data-testid="actions-dropdown"]'), 'row actions', { wide: true })));
    small.push(...(await tooSmall(page.locator('.adminjs_Pagination button'), 'pagination', { wide: true })));
    small.push(...(await tooSmall(page.locator('[data-css="Order-filter-button"]'), 'filter button', { wide: true })));
    await browser.shot('touch-3-order-list');

    // A row's "..." tapped in its middle (its icon) opens its menu; before, the tap reached the row, which opened the order.
    await page.locator('[data-testid="actions-dropdown"]').first().tap();
    const rowMenu = page.locator('.adminjs_DropDownMenu .adminjs_DropDownItemAction');
    const opened = await rowMenu
      .first()
      .waitFor({ timeout: 45_000 })
      .then(
        () => true,
        () => false,
      );
    if (opened) {
      small.push(...(await tooSmall(rowMenu, 'row menu item', { wide: true })));
      await browser.shot('touch-3b-row-menu');
      // Its first item (the order's page), tapped, does what it says.
      await rowMenu.first().tap();
      await page.waitForURL(/\/admin\/resources\/Order\/records\/[^/]+\/show$/);
    } else small.push(`row actions: a tap did not open the menu (the page went to ${page.url()})`);
    await page.goto(listUrl);
    await page.waitForSelector('[data-testid="actions-dropdown"]');

    // The filter drawer: its close button, fields, pickers and Reset / Apply.
    await page.locator('[data-css="Order-filter-button"]').tap();
    const drawer = page.locator('[data-css="Order-filter-drawer"]');
    await expect.poll(async () => (await drawer.boundingBox())?.x ?? -1).toBeGreaterThanOrEqual(0);
    small.push(...(await tooSmall(drawer.locator('button'), 'filter drawer button', { wide: true })));
    small.push(...(await tooSmall(drawer.locator('.adminjs_Input'), 'filter field', { wide: true })));
    small.push(...(await tooSmall(drawer.locator('.adminjs_Select > div'), 'filter select', { wide: true })));
    await browser.shot('touch-3c-filter-drawer');

    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${orderId}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    small.push(...(await tooSmall(page.locator('.adminjs_ActionHeader .adminjs_Button'), 'order action', { wide: true })));
    small.push(...(await tooSmall(page.locator('.adminjs_Breadcrumbs a'), 'show breadcrumb', { wide: true })));
    await browser.shot('touch-4-order-show');

    // AdminJS's own show page: a link to another record (the address's customer).
    await page.goto(`${app.baseUrl}/admin/resources/Address/records/${addressId}/show`);
    const showLinks = page.locator('[data-css="Address-show-drawer-content"] a');
    await showLinks.first().waitFor();
    small.push(...(await tooSmall(showLinks, 'show page link', { wide: true })));
    await browser.shot('touch-4b-address-show');

    await page.goto(`${app.baseUrl}/admin/resources/Product/actions/new`);
    await page.waitForSelector('[name="sku"]');
    small.push(...(await tooSmall(page.locator('form .adminjs_Input'), 'form field', { wide: true })));
    small.push(...(await tooSmall(page.locator('form .adminjs_Select > div'), 'form select', { wide: true })));
    small.push(...(await tooSmall(page.locator('form .adminjs_Button'), 'form button', { wide: true })));
    small.push(...(await checkboxMisses(page)));
    await browser.shot('touch-5-product-form');

    expect(small).toEqual([]);
    // Nothing got wider than the phone for it.
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
    expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
  });
});

describe.skipIf(!runBrowserTests)('the panel on a desktop', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  const f = factories();

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-touch-targets-desktop');
    const tenantId = (await f.tenant({})).id;
    await f.adminUser({ tenantId, email: 'owner@desk.test' });
    await f.product({ tenantId });
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('keeps the sidebar open at the left, no menu button and AdminJS’s own button sizes', { timeout: 300_000 }, async () => {
    browser.reportFailure('desktop');
    const { page } = browser;
    await browser.signIn(app.baseUrl, 'owner@desk.test');
    await page.goto(`${app.baseUrl}/admin/resources/Product/actions/new`);
    await page.waitForSelector('[name="sku"]');
    const sidebar = (await page.locator('[data-css="sidebar"]').boundingBox())!;
    expect({ x: sidebar.x, wide: sidebar.width > 200 }).toEqual({ x: 0, wide: true });
    expect(await page.locator('[data-css="topbar"] > .adminjs_Box').first().isVisible()).toBe(false);
    expect((await page.locator('[name="sku"]').boundingBox())!.height).toBe(34);
    expect((await page.locator('[data-testid="button-save"]').boundingBox())!.height).toBe(34);
    await browser.shot('desktop-product-form');

    // A list keeps AdminJS's text-sized breadcrumbs, column headers and row menu (phone-only rules).
    await page.goto(`${app.baseUrl}/admin/resources/Product`);
    await page.waitForSelector('[data-testid="actions-dropdown"]');
    const heights = async (selector: string) =>
      Promise.all((await page.locator(selector).all()).map(async (l) => (await l.boundingBox())!.height));
    expect(new Set(await heights('.adminjs_Breadcrumbs a'))).toEqual(new Set([16]));
    expect(new Set(await heights('.adminjs_SortLink'))).toEqual(new Set([14]));
    expect((await page.locator('[data-testid="actions-dropdown"]').first().boundingBox())!.height).toBe(32);
  });
});
