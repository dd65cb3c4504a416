// Cash App Pay (Square) and Bitcoin (BTCPay) in real headless Chromium on a phone-sized viewport (390x844):
// invoice link -> pay at the (fake) provider -> back -> "Paid — thank you", the order PAID with the role granted
// and the receipt DM; then a partial and a full refund reach the provider through the shop's connection
// (Square RefundPayment; BTCPay pull payments whose claim links go to the customer by DM). Every webhook the
// fakes sent was accepted. Skipped with a notice when Chromium is missing outside CI.
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
import { connectBtcPay, connectSquare, startProvidersApp, type ProvidersApp } from './square-btcpay-fixtures.js';

if (!runBrowserTests)
  console.warn(`[invoice-browser-square-btcpay] ${CHROMIUM} is missing: browser test skipped (apt-get install -y chromium)`);

describe.skipIf(!runBrowserTests)('invoice page in a browser, paid with Cash App Pay and with Bitcoin', () => {
  let env: ProvidersApp;
  let discord: FakeDiscordApi;
  let worker: WorkerHandle;
  let browser: BrowserSession;
  let context: BrowserContext;

  beforeAll(async () => {
    discord = await new FakeDiscordApi().start();
    env = await startProvidersApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: env.t.services.bus,
      logger: env.t.services.logger,
      concurrency: 2,
      pollIntervalMs: 50,
    });
    browser = await openBrowser('invoice-browser-square-btcpay', PHONE);
    context = browser.context;
    mkdirSync('test-output', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await env?.close();
    await discord?.stop();
  });

  async function shopWithOrder(name: string, method: 'CASHAPP_PAY' | 'BTC_INVOICE', roleId: string) {
    const f = factories();
    const { tenant, guild, customer } = await f.shop({ tenant: { name, enabledPaymentMethods: ['ZELLE'] } });
    const p1 = await f.product({ tenantId: tenant.id, name: 'Beeswax Taper (pair)', grantedRoleIds: [roleId] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      paymentMethod: method,
      paymentStatus: 'pending',
      lines: [{ productId: p1.id, name: 'Beeswax Taper (pair)', quantity: 2, unitPriceCents: 1850 }],
      shippingCents: 500,
      taxAmountCents: 305,
      totalCents: 3700 + 500 + 305,
    });
    return { tenant, guild, customer, order };
  }

  it('Cash App Pay: the Web Payments SDK button, our charge, PAID; refunds reach Square', async () => {
    const { t, square } = env;
    const roleId = '400000000000000888';
    const { tenant, guild, customer, order } = await shopWithOrder('Square Candles', 'CASHAPP_PAY', roleId);
    await connectSquare(env, tenant.id);
    const link = await t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);

    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(link.url);
    expect(await page.locator('button[name="method"]').allTextContents()).toEqual(['Pay with Cash App Pay']);
    await page.getByRole('button', { name: 'Pay with Cash App Pay' }).click();
    await page.waitForURL(/\/cash-app\/chk_/);
    await page.getByRole('button', { name: 'Cash App Pay', exact: true }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: 'test-output/invoice-phone-cash-app.png', fullPage: true });
    await page.getByRole('button', { name: 'Cash App Pay', exact: true }).click();
    await page.waitForURL(`${link.url}?checkout=paid`);
    expect(await page.locator('#paid').textContent()).toBe('Paid — thank you');
    expect(cspViolations).toEqual([]);

    const paid = await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true, checkouts: true } });
    expect(paid.status).toBe('PAID');
    const [payment] = [...square.payments.values()].map((p) => p.json).filter((p) => p.reference_id === order.id);
    expect(payment).toMatchObject({ status: 'COMPLETED', source_type: 'WALLET', amount_money: { amount: 4505, currency: 'USD' } });
    expect(paid.payments[0]).toMatchObject({ status: 'paid', method: 'CASHAPP_PAY', providerReference: payment!.id });
    expect(paid.checkouts).toMatchObject([
      { state: 'PAID', paidAmountCents: 4505, providerCheckoutId: payment!.id, paymentReference: payment!.id },
    ]);
    await discord.waitFor((c) => c.method === 'PUT' && c.path === `/guilds/${guild.id}/members/${customer.discordUserId}/roles/${roleId}`);
    await waitFor('the receipt DM', async () =>
      discord.directMessages().some((m) => m.userId === customer.discordUserId && JSON.stringify(m.body).includes(`#${order.number}`)),
    );

    const ctx = adminCtx(tenant.id);
    await t.services.refunds.refund(ctx, order.id, { amountCents: 1000, reason: 'One taper cracked' });
    await waitFor('the partial refund at Square', async () =>
      [...square.refunds.values()].some((r) => r.json.payment_id === payment!.id && r.json.status === 'COMPLETED'),
    );
    await t.services.refunds.refund(ctx, order.id, { reason: 'Customer request' });
    await waitFor(
      'the full refund at Square',
      async () =>
        square.payments.get(payment!.id)!.json.refunded_money?.amount === 4505 &&
        [...square.refunds.values()].filter((r) => r.json.payment_id === payment!.id).every((r) => r.json.status === 'COMPLETED'),
    );
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('REFUNDED');
    await square.idle();
    // Every notification Square sent (payments, refunds) was verified and accepted.
    expect(square.outbox.deliveries.filter((d) => d.url.includes('/webhooks/square/')).map((d) => d.status)).toEqual(
      expect.arrayContaining([200]),
    );
    expect(square.outbox.deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });

  it('Bitcoin: BTCPay checkout page, back to us, PAID; refunds become claim links sent by DM', async () => {
    const { t, btcpay } = env;
    const roleId = '400000000000000999';
    const { tenant, guild, customer, order } = await shopWithOrder('Bitcoin Candles', 'BTC_INVOICE', roleId);
    await connectBtcPay(env, tenant.id);
    const link = await t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);

    const page = await context.newPage();
    await page.goto(link.url);
    expect(await page.locator('button[name="method"]').allTextContents()).toEqual(['Pay with Bitcoin']);
    await page.getByRole('button', { name: 'Pay with Bitcoin' }).click();
    await page.waitForURL(`${btcpay.url}/i/**`);
    expect(await page.getByTestId('amount-due').textContent()).toBe('45.05 USD');
    await page.screenshot({ path: 'test-output/invoice-phone-btcpay.png', fullPage: true });
    await page.getByRole('button', { name: 'Pay with wallet' }).click();
    await page.waitForURL(`${link.url}?checkout=paid`);
    expect(await page.locator('#paid').textContent()).toBe('Paid — thank you');

    const paid = await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true, checkouts: true } });
    expect(paid.status).toBe('PAID');
    const invoice = [...btcpay.invoices.values()].find((i) => i.metadata.orderId === order.id)!;
    expect(invoice).toMatchObject({ status: 'Settled', amountCents: 4505, currency: 'USD' });
    expect(paid.checkouts).toMatchObject([
      { state: 'PAID', paidAmountCents: 4505, providerCheckoutId: invoice.id, paymentReference: invoice.id },
    ]);
    await discord.waitFor((c) => c.method === 'PUT' && c.path === `/guilds/${guild.id}/members/${customer.discordUserId}/roles/${roleId}`);

    const ctx = adminCtx(tenant.id);
    await t.services.refunds.refund(ctx, order.id, { amountCents: 1000, reason: 'One taper cracked' });
    await waitFor('the partial refund pull payment', async () =>
      [...btcpay.pullPayments.values()].some((p) => p.invoiceId === invoice.id && p.amount === '10.00'),
    );
    await t.services.refunds.refund(ctx, order.id, { reason: 'Customer request' });
    await waitFor('the full refund pull payment', async () =>
      [...btcpay.pullPayments.values()].some((p) => p.invoiceId === invoice.id && p.amount === '35.05'),
    );
    const pulls = [...btcpay.pullPayments.values()].filter((p) => p.invoiceId === invoice.id);
    expect(pulls.map((p) => `${p.amount} ${p.currency}`).sort()).toEqual(['10.00 USD', '35.05 USD']);
    // Each claim link went to the customer by DM, and the refunds are recorded as "claim sent".
    for (const pp of pulls) {
      await waitFor('the claim link DM', async () =>
        discord
          .directMessages()
          .some((m) => m.userId === customer.discordUserId && JSON.stringify(m.body).includes(`/pull-payments/${pp.id}`)),
      );
    }
    const sent = await testDb().auditLog.findMany({ where: { entityId: order.id, action: 'payment.refund_sent' } });
    expect(sent.map((a) => (a.after as { refundState?: string }).refundState)).toEqual(['CLAIM_SENT', 'CLAIM_SENT']);
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('REFUNDED');

    // The customer claims one on BTCPay's page with their address.
    await page.goto(`${btcpay.url}/pull-payments/${pulls[0]!.id}`);
    await page.getByLabel('Your Bitcoin address').fill('bcrt1qcustomeraddress0000000000000000000');
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByTestId('payout').waitFor();
    expect(pulls[0]!.payouts).toHaveLength(1);
    await btcpay.idle();
    expect(btcpay.outbox.deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });
});
