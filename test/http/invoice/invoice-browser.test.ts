// The PayPal path in real headless Chromium on a phone-sized viewport (390x844): open the invoice link,
// press "Pay with PayPal", pay on the fake PayPal's approval page, come back to our return URL (we capture),
// "Paid — thank you"; the role is granted and the receipt DM sent (the fake Discord API records both); then
// a partial and a full refund reach the fake PayPal. Skipped with a notice when Chromium is missing outside CI.
import { mkdirSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { CHROMIUM, openBrowser, PHONE, runBrowserTests, type BrowserSession } from '../../admin/browser-session.js';
import { connectPayPal, startPayPalApp, type PayPalApp } from './invoice-fixtures.js';

if (!runBrowserTests) console.warn(`[invoice-browser] ${CHROMIUM} is missing: browser test skipped (apt-get install -y chromium)`);

describe.skipIf(!runBrowserTests)('invoice page in a browser, paid with PayPal', () => {
  let env: PayPalApp;
  let discord: FakeDiscordApi;
  let worker: WorkerHandle;
  let browser: BrowserSession;
  let context: BrowserContext;

  beforeAll(async () => {
    discord = await new FakeDiscordApi().start();
    env = await startPayPalApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: env.t.services.bus,
      logger: env.t.services.logger,
      concurrency: 2,
      pollIntervalMs: 50,
    });
    browser = await openBrowser('invoice-browser', PHONE);
    context = browser.context;
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await env?.close();
    await discord?.stop();
  });

  it('pays on PayPal and comes back PAID with the role granted and the receipt DM; refunds reach PayPal', async () => {
    const { t, paypal } = env;
    const f = factories();
    const roleId = '400000000000000777';
    const { tenant, guild, customer } = await f.shop({
      tenant: { name: 'Moonlight Candles', enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'] },
    });
    await connectPayPal(env, tenant.id);
    const p1 = await f.product({ tenantId: tenant.id, name: 'Lavender Soy Candle (16 oz)', grantedRoleIds: [roleId] });
    const p2 = await f.product({ tenantId: tenant.id, name: 'Wick Trimmer' });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      paymentMethod: 'PAYPAL',
      paymentStatus: 'pending',
      lines: [
        { productId: p1.id, name: 'Lavender Soy Candle (16 oz)', quantity: 2, unitPriceCents: 2400 },
        { productId: p2.id, name: 'Wick Trimmer', quantity: 1, unitPriceCents: 1200 },
      ],
      discountCents: 600,
      discountName: 'WELCOME10',
      shippingCents: 795,
      shippingTypeName: 'USPS Ground',
      taxAmountCents: 437,
      totalCents: 4800 + 1200 - 600 + 795 + 437,
      shippingAddress: {
        name: 'Jordan <Lee>',
        line1: '742 Evergreen Terrace',
        line2: 'Apt 2',
        city: 'Springfield',
        state: 'OR',
        postalCode: '97477',
        country: 'US',
      },
    });
    const link = await t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);

    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(link.url);
    expect(await page.locator('h1').textContent()).toBe(`Order #${order.number}`);
    expect(await page.locator('button[name="method"]').allTextContents()).toEqual(['Pay with PayPal']);
    expect(await page.locator('address').innerText()).toContain('Jordan <Lee>');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/invoice-phone.png', fullPage: true });
    expect(cspViolations).toEqual([]);

    await page.getByRole('button', { name: 'Pay with PayPal' }).click();
    await page.waitForURL(`${paypal.url}/checkoutnow**`);
    expect(await page.locator('#amount').textContent()).toBe('Total 66.32 USD');
    await page.screenshot({ path: 'test-output/invoice-phone-paypal.png', fullPage: true });
    await page.click('#pay');
    await page.waitForURL(`${link.url}?checkout=paid`);
    expect(await page.locator('#paid').textContent()).toBe('Paid — thank you');
    expect(await page.locator('button[name="method"]').count()).toBe(0);
    await page.screenshot({ path: 'test-output/invoice-phone-paid.png', fullPage: true });

    const paid = await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true, checkouts: true } });
    expect(paid.status).toBe('PAID');
    const capture = [...paypal.captures.values()].find((c) => c.orderId === paid.checkouts[0]!.providerCheckoutId)!;
    expect(capture).toMatchObject({
      status: 'COMPLETED',
      amount: { currency_code: 'USD', value: '66.32' },
      invoice_id: `${order.id}:${paid.checkouts[0]!.id}`,
    });
    expect(paid.payments[0]).toMatchObject({ status: 'paid', method: 'PAYPAL', providerReference: capture.id });
    // Our ledger equals PayPal's record.
    expect(paid.checkouts).toMatchObject([{ state: 'PAID', paidAmountCents: 6632, paymentReference: capture.id }]);

    // Roles granted and the receipt DM sent through the (fake) Discord API, by the same jobs as any payment.
    await discord.waitFor((c) => c.method === 'PUT' && c.path === `/guilds/${guild.id}/members/${customer.discordUserId}/roles/${roleId}`);
    await waitFor('the receipt DM', async () =>
      discord.directMessages().some((m) => m.userId === customer.discordUserId && JSON.stringify(m.body).includes(`#${order.number}`)),
    );

    // A partial, then a full refund from the panel's service reach PayPal through the shop's connection.
    const ctx = adminCtx(tenant.id);
    await t.services.refunds.refund(ctx, order.id, { amountCents: 1000, reason: 'Dented lid' });
    await waitFor('the partial refund at PayPal', async () => paypal.refundedCents(capture.id) === 1000);
    await t.services.refunds.refund(ctx, order.id, { reason: 'Customer request' });
    await waitFor('the full refund at PayPal', async () => paypal.refundedCents(capture.id) === 6632);
    expect(paypal.captures.get(capture.id)!.status).toBe('REFUNDED');
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('REFUNDED');
  });
});
