// The admin panel in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// sign in, open an order, refund part of it by items (a quantity per line), see "Partially refunded", the
// success notice and the stock back, refund the rest, see "Refunded"; create an API key (secret shown once) and revoke it; as a platform admin, retry a shop's failed lane job on the Jobs page; retry a failed role grant and
// "Reconcile now" on Role changes (buttons AdminJS sends as GETs). Screenshots are kept in test-output/admin/ (git-ignored) to look at what an admin sees.
// Without Chromium the file is skipped with a notice, except under CI=true, where it must run.
import { Temporal } from '@js-temporal/polyfill';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { BROWSER_TIME_ZONE, CHROMIUM, openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../src/dev/fakes/fake-discord-guilds.js';
import { TASKS } from '../../src/modules/shared/events.js';
import { snowflake } from '../helpers/factories.js';
import { queuedJobs } from '../modules/refunds/after-sale.harness.js';

if (!runBrowserTests) {
  console.warn(`[admin browser tests] SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium). They always run with CI=true.`);
}

const OUT = join(process.cwd(), 'test-output', 'admin');

describe.skipIf(!runBrowserTests)('admin panel in a browser', () => {
  let app: RunningAdmin;
  let context: BrowserContext;
  let browser: BrowserSession;
  let page: Page;
  const trail: string[] = [];
  const discord = new FakeDiscordApi();

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    await discord.start();
    app = await startAdminApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
    browser = await openBrowser('admin-browser');
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    // Diagnostics for a failure: the panel's failed API calls and console errors, printed by onTestFailed.
    page.on('response', (r) => {
      if (r.url().includes('/admin/') && r.status() >= 400) trail.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') trail.push(`console: ${m.text().slice(0, 300)}`);
    });
    // The first page load builds the component bundle; on a busy 2-core machine that can take a while.
    page.setDefaultTimeout(60_000);
  }, 180_000);

  /** On failure: a screenshot (test-output/admin/failure-<name>.png), the page's address, failed requests and console errors. */
  const onFailure = (name: string) =>
    onTestFailed(async () => {
      await page.screenshot({ path: join(OUT, `failure-${name}.png`), fullPage: true }).catch(() => undefined);
      console.error(`[admin browser test] failed at ${page.url()}\nfailed requests and console errors:\n${trail.join('\n') || '(none)'}`);
    });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await discord.stop();
  });

  it('signs in, refunds part of an order by items, then the rest', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: join(OUT, 'failure.png'), fullPage: true }).catch(() => undefined);
      console.error(
        `[admin browser test] failed at ${page.url()}; see test-output/admin/failure.png\nfailed requests and console errors:\n${trail.join('\n') || '(none)'}`,
      );
    });
    const f = factories();
    const tenant = await f.tenant({ inventoryTracking: true, timeZone: 'America/Chicago' });
    const customer = await f.customer({ tenantId: tenant.id, displayName: 'Casey Customer' });
    const hoodie = await f.product({ tenantId: tenant.id, name: 'Limited Hoodie', unitPriceCents: 6000, trackStock: true, stock: 2 });
    const sticker = await f.product({ tenantId: tenant.id, name: 'Sticker Pack', unitPriceCents: 500 });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
      lines: [
        { productId: hoodie.id, name: hoodie.name, sku: hoodie.sku, quantity: 2, unitPriceCents: 6000 },
        { productId: sticker.id, name: sticker.name, sku: sticker.sku, quantity: 1, unitPriceCents: 500 },
      ],
    });
    await f.reservation({ tenantId: tenant.id, orderId: order.id, productId: hoodie.id, quantity: 2, state: 'COMMITTED' });
    const admin = await f.adminUser({ tenantId: tenant.id, email: 'owner@browser.test' });

    await browser.signIn(app.baseUrl, admin.email);
    await page.waitForSelector('[data-testid="dashboard"]');
    // The days are the shop's (its time zone), and the page says so, with the way to its Settings form.
    expect(await page.textContent('[data-testid="dashboard"]')).toContain('Net sales per day (last 30 days, America/Chicago)');
    await page.screenshot({ path: join(OUT, '01-dashboard.png'), fullPage: true });
    await page.click('[data-testid="dashboard-time-zone-link"]');
    await page.waitForURL(`**/admin/resources/Tenant/records/${tenant.id}/edit`);
    await expect.poll(() => page.locator('[name="timeZone"]').first().inputValue()).toBe('America/Chicago');
    await page.goto(`${app.baseUrl}/admin`);
    await page.waitForSelector('[data-testid="dashboard"]');

    // Mark as paid (a component-less action: AdminJS calls it with GET after its confirmation modal;
    // the CSRF token must ride along for it to work).
    const pending = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      lines: [{ productId: sticker.id, quantity: 1, unitPriceCents: 500 }],
    });
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${pending.id}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    await page.click('a:has-text("Mark as paid"), button:has-text("Mark as paid")');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect.poll(async () => (await testDb().order.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe('PAID');
    await expect.poll(() => page.textContent('[data-testid="order-status"]')).toBe('Paid');
    await page.waitForSelector(`[data-testid="notice-wrapper"] >> text=Order #${pending.number} marked as paid.`);
    await page.screenshot({ path: join(OUT, '01b-marked-as-paid.png'), fullPage: true });

    // The order list shows money, not cents.
    await page.goto(`${app.baseUrl}/admin/resources/Order`);
    await page.waitForSelector(`text=Casey Customer >> visible=true`);
    expect(await page.textContent('body')).toContain('$125.00');
    expect(await page.textContent('body')).toContain('$5.00');
    await page.screenshot({ path: join(OUT, '02-order-list.png'), fullPage: true });

    // The detail page.
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page.waitForSelector('[data-testid="order-detail"]');
    expect(await page.textContent('[data-testid="order-status"]')).toBe('Paid');
    await page.screenshot({ path: join(OUT, '03-order-detail.png'), fullPage: true });

    // Refund one hoodie by items, with the preview first.
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/refund`);
    await page.waitForSelector('[data-testid="refund-form"]');
    await page.check('input[name="mode"][value="PARTIAL_ITEMS"]');
    await page.fill(`[data-testid="refund-qty-${hoodie.id}"]`, '1');
    await page.click('[data-testid="refund-preview-button"]');
    await page.waitForSelector('[data-testid="refund-preview"]');
    expect(await page.textContent('[data-testid="refund-preview"]')).toContain('$60.00');
    expect(await page.textContent('[data-testid="refund-preview"]')).toContain('Partially refunded');
    expect(await page.textContent('[data-testid="refund-preview"]')).toContain('back in stock');
    await page.screenshot({ path: join(OUT, '04-refund-preview.png'), fullPage: true });
    // The order page must render after the refund (it once stayed blank on fresh clones): wait for its
    // content and the success notice, not for time.
    await Promise.all([page.waitForURL(/\/show(\?|$)/), page.click('[data-testid="refund-submit-button"]')]);
    await page.waitForSelector('[data-testid="order-detail"]');
    await page.waitForSelector(`[data-testid="notice-wrapper"] >> text=Refund of $60.00 (Items $60.00) recorded on order #${order.number}`);
    await expect.poll(() => page.textContent('[data-testid="order-status"]')).toBe('Partially refunded');
    await page.screenshot({ path: join(OUT, '05-partially-refunded.png'), fullPage: true });
    expect((await testDb().product.findUniqueOrThrow({ where: { id: hoodie.id } })).stock).toBe(3);

    // Refund the rest (Full is the default mode).
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/refund`);
    await page.waitForSelector('[data-testid="refund-form"]');
    await page.click('[data-testid="refund-preview-button"]');
    await page.waitForSelector('[data-testid="refund-preview"]');
    expect(await page.textContent('[data-testid="refund-preview"]')).toContain('$65.00');
    await Promise.all([page.waitForURL(/\/show(\?|$)/), page.click('[data-testid="refund-submit-button"]')]);
    await page.waitForSelector('[data-testid="order-detail"]');
    await expect.poll(() => page.textContent('[data-testid="order-status"]')).toBe('Refunded');
    await page.screenshot({ path: join(OUT, '06-refunded.png'), fullPage: true });
    await page.locator('[data-testid="order-refunds"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, '06b-refunds-and-audit.png') });

    // The edit form offers what spec 000 lists as editable; a paid order's lines are shown by name, read-only.
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/edit`);
    await page.waitForSelector('[data-testid="order-lines-edit"]');
    expect(await page.textContent('[data-testid="order-lines-edit"]')).toContain('Limited Hoodie');
    expect(await page.textContent('[data-testid="order-lines-edit"]')).toContain('can be changed only while the order awaits payment');
    // A refunded order can move nowhere from the form: the status select offers only where it is.
    await page.click('[data-testid="transition-select-status"] input');
    const offered = await page.locator('[data-testid="transition-select-status"] [class*="option"]').allTextContents();
    expect(offered).toEqual(['Refunded']);
    await page.keyboard.press('Escape');
    await page.screenshot({ path: join(OUT, '07-edit-form.png'), fullPage: true });
    const after = await testDb().order.findUniqueOrThrow({ where: { id: order.id } });
    expect(after.refundedTotalCents).toBe(12500);
    expect((await testDb().product.findUniqueOrThrow({ where: { id: hoodie.id } })).stock).toBe(4);
  }, 450_000);

  it('creates an API key, shows its secret once, and revokes it', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: join(OUT, 'failure-api-keys.png'), fullPage: true }).catch(() => undefined);
      console.error(
        `[admin browser test] failed at ${page.url()}; see test-output/admin/failure-api-keys.png\nfailed requests and console errors:\n${trail.join('\n') || '(none)'}`,
      );
    });
    const f = factories();
    const tenant = await f.tenant();
    const admin = await f.adminUser({ tenantId: tenant.id, email: 'keys@browser.test' });
    const products = (secret: string) =>
      request(app.app)
        .get('/api/products')
        .set({ authorization: `Bearer ${secret}` });

    await browser.signIn(app.baseUrl, admin.email);

    // New API key: a name in, the secret out, once.
    await page.goto(`${app.baseUrl}/admin/resources/ApiKey/actions/createKey`);
    await page.waitForSelector('[data-testid="api-key-form"]');
    await page.fill('[data-testid="api-key-form"] input', 'Accounting export');
    await page.click('[data-testid="api-key-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="api-key-created"]');
    const secret = await page.inputValue('[data-testid="api-key-secret"]');
    expect(secret).toMatch(/^ll_live_[A-Za-z0-9_-]{32}$/);
    await page.screenshot({ path: join(OUT, '08-api-key-created.png'), fullPage: true });
    await products(secret).expect(200);

    // Back to the list: the key is there by name and prefix, the secret is not.
    await Promise.all([page.waitForURL(/\/admin\/resources\/ApiKey$/), page.click('a:has-text("I stored it")')]);
    await page.waitForSelector('text=Accounting export');
    expect(await page.textContent('body')).not.toContain(secret);
    await page.screenshot({ path: join(OUT, '09-api-key-list.png'), fullPage: true });

    // Revoke it from its page: refused by the REST API at once.
    const key = await testDb().apiKey.findFirstOrThrow({ where: { tenantId: tenant.id } });
    await page.goto(`${app.baseUrl}/admin/resources/ApiKey/records/${key.id}/show`);
    await page.click('a:has-text("Revoke"), button:has-text("Revoke")');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect.poll(async () => (await testDb().apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).not.toBeNull();
    await products(secret).expect(401);
    await page.screenshot({ path: join(OUT, '10-api-key-revoked.png'), fullPage: true });
  }, 300_000);

  it("shows a platform admin a shop's lane job that used up its attempts, and Retry puts it back in its lane", async () => {
    onFailure('jobs');
    const f = factories();
    const tenant = await f.tenant();
    const platform = await f.adminUser({ role: 'PLATFORM_ADMIN', tenantId: null, email: 'jobs@browser.test' });
    const [row] = await testDb().$queryRaw<{ id: bigint }[]>`
      INSERT INTO lane_jobs ("tenantId", lane, task, payload, attempts, "lastError", "failedAt")
      VALUES (${tenant.id}, 'discord-roles', 'entitlement.grant', ${JSON.stringify({ tenantId: tenant.id, entitlementId: 'ent_1' })}::jsonb,
        12, 'HTTPError: Service Unavailable', now())
      RETURNING id`;
    const jobId = `lane:${row!.id}`;

    await browser.signIn(app.baseUrl, platform.email);
    await page.goto(`${app.baseUrl}/admin/pages/jobs`);
    const failedRow = page.locator(`[data-testid="failed-job-${jobId}"]`);
    await failedRow.waitFor();
    expect(await failedRow.textContent()).toContain('HTTPError: Service Unavailable');
    expect(await failedRow.textContent()).toContain('12/12');
    await page.screenshot({ path: join(OUT, '11-jobs-failed-lane-job.png'), fullPage: true });

    await failedRow.getByRole('button', { name: 'Retry' }).click();
    await page.waitForSelector(`text=Job ${jobId} will run again now.`);
    await failedRow.waitFor({ state: 'detached' });
    const back = await testDb().laneJob.findUniqueOrThrow({ where: { id: row!.id } });
    expect(back).toMatchObject({ failedAt: null, attempts: 0 });
    await page.screenshot({ path: join(OUT, '12-jobs-retried.png'), fullPage: true });
  }, 300_000);

  it('retries a failed role grant and reconciles roles from Role changes (buttons sent as GETs)', async () => {
    onFailure('role-changes');
    const f = factories();
    const tenant = await f.tenant();
    const owner = await f.adminUser({ tenantId: tenant.id });
    const guild = await f.guild({ tenantId: tenant.id, name: 'Hobby Hub' });
    const vip = snowflake();
    const botRole = snowflake();
    discord.guilds.addGuild(guild.id, {
      roles: [
        { id: vip, name: 'VIP', position: 5, permissions: '0' },
        { id: botRole, name: 'Ledgerline', position: 2, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
      ],
      botRoleIds: [botRole],
    });
    const customer = await f.customer({ tenantId: tenant.id });
    const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [vip] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      status: 'PAID',
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    const ent = await testDb().entitlement.create({
      data: { tenantId: tenant.id, customerId: customer.id, productId: product.id, roleId: vip, orderId: order.id },
    });
    const change = await testDb().roleChange.create({
      data: {
        tenantId: tenant.id,
        entitlementId: ent.id,
        customerId: customer.id,
        orderId: order.id,
        productId: product.id,
        roleId: vip,
        guildId: guild.id,
        action: 'GRANT',
        state: 'FAILED',
        failureKind: 'ROLE_TOO_LOW',
        discordCode: 50013,
        attempts: 1,
        failureMessage: 'The bot\'s role "Ledgerline" is below the product\'s role "VIP".',
      },
    });
    discord.guilds.addMember(guild.id, customer.discordUserId);
    const grantJobs = async () => (await queuedJobs(testDb(), TASKS.roleAdd)).filter((j) => j.payload.entitlementId === ent.id).length;

    await browser.signIn(app.baseUrl, owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/RoleChange/records/${change.id}/show`);
    await page.waitForSelector('text=is below the product');
    await page.getByText('Retry', { exact: true }).click();
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.waitForSelector('[data-testid="notice-wrapper"] >> text=Grant queued again');
    expect((await testDb().roleChange.findUniqueOrThrow({ where: { id: change.id } })).state).toBe('PENDING');
    expect(await grantJobs()).toBe(1);
    await page.screenshot({ path: join(OUT, '13-role-change-retried.png'), fullPage: true });

    await page.goto(`${app.baseUrl}/admin/resources/RoleChange`);
    await page.getByText('Reconcile now', { exact: true }).click();
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const reconciled = await page.waitForSelector('[data-testid="notice-wrapper"] >> text=Reconciled:');
    expect(await reconciled.textContent()).toMatch(/^Reconciled: 2 members read, 1 missing role given back/);
    expect(await testDb().auditLog.count({ where: { tenantId: tenant.id, action: 'entitlement.reconciled' } })).toBe(1);
    await page.screenshot({ path: join(OUT, '14-roles-reconciled.png'), fullPage: true });
  }, 300_000);

  it("Tax & exports: an admin downloads a CSV of this month so far in the shop's days, a backwards range is explained, staff are told exports are for admins", async () => {
    onFailure('exports');
    const f = factories();
    // The shop is at UTC+14 and the admin's browser at UTC-11 (BROWSER_TIME_ZONE): their dates always differ,
    // by one day or two. The form opened on the browser's month and today once, so today's order was not in it.
    const zone = 'Pacific/Kiritimati';
    expect(BROWSER_TIME_ZONE).toBe('Pacific/Pago_Pago');
    const tenant = await f.tenant({ timeZone: zone });
    const owner = await f.adminUser({ tenantId: tenant.id });
    const staff = await f.adminUser({ tenantId: tenant.id, role: 'TENANT_STAFF' });
    const customer = await f.customer({ tenantId: tenant.id });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
    });

    await browser.signIn(app.baseUrl, owner.email);
    const shopToday = () => Temporal.Now.plainDateISO(zone);
    const before = shopToday();
    await page.goto(`${app.baseUrl}/admin/pages/tax`);
    const link = page.locator('[data-testid="export-download"]');
    await link.waitFor();
    // The shop's today when the page opened (read before and after, in case its midnight passed meanwhile).
    const opened = [before, shopToday()].map((d) => ({ from: d.with({ day: 1 }).toString(), to: d.toString() }));
    expect(opened).toContainEqual({ from: await page.inputValue('#export-from'), to: await page.inputValue('#export-to') });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
        stream.on('error', reject);
      }, reject);
    });
    expect(csv).toContain(String(order.number));
    expect(page.url()).toContain('/admin/pages/tax'); // saved without leaving the page

    await page.fill('#export-from', '2026-12-31');
    await page.fill('#export-to', '2026-01-01');
    await page.waitForSelector('[data-testid="export-range-problem"] >> text=The range starts after it ends');
    expect(await link.getAttribute('href')).toBeNull();
    await page.screenshot({ path: join(OUT, '15-export-range.png'), fullPage: true });

    await browser.signIn(app.baseUrl, staff.email);
    await page.goto(`${app.baseUrl}/admin/pages/tax`);
    await page.waitForSelector('[data-testid="export-admins-only"]');
    expect(await page.locator('[data-testid="export-download"]').count()).toBe(0);
  }, 300_000);
});
