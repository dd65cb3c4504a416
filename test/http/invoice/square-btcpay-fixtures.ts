// Set-up for the Cash App Pay (Square) and BTCPay invoice tests: the fake Square and fake BTCPay over real
// HTTP, the app on a real port (so their webhooks reach it) with SQUARE_API_BASE_URL / the Web Payments SDK URL
// pointing at the fake, and helpers that connect a shop the way an owner does in Settings -> Payments.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, expect } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { FakeBtcPay, registerBtcPayWebhook } from '../../../src/dev/fakes/fake-btcpay.js';
import { FakeSquare, SQUARE_TEST_TOKENS } from '../../../src/dev/fakes/fake-square.js';
import type { PaymentMethod } from '../../../src/generated/prisma/index.js';
import type { Clock } from '../../../src/platform/clock.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import type { Logger } from '../../../src/platform/logger.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { unpaidOrderLink } from './invoice-fixtures.js';

export interface ProvidersApp {
  t: TestApp;
  square: FakeSquare;
  btcpay: FakeBtcPay;
  base: string;
  server: Server;
  close(): Promise<void>;
}

export async function startProvidersApp(
  opts: { env?: Record<string, string>; clock?: Clock; logger?: Logger } = {},
): Promise<ProvidersApp> {
  const square = await new FakeSquare({ merchants: [] }).start();
  const btcpay = await new FakeBtcPay({ stores: [] }).start();
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await createTestApp({
    clock: opts.clock,
    logger: opts.logger,
    env: { SQUARE_API_BASE_URL: square.url, SQUARE_WEB_PAYMENTS_SDK_URL: square.sdkUrl, PUBLIC_BASE_URL: base, ...opts.env },
  });
  server.on('request', t.app);
  return {
    t,
    square,
    btcpay,
    base,
    server,
    async close() {
      await square.stop();
      await btcpay.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.services.close();
    },
  };
}

/**
 * The file's hooks for a test of money through Square or BTCPay end to end (as paypal-fixtures.ts usePayPalApp
 * does for PayPal): a fake Discord for the notification jobs, the app (startProvidersApp, on `clock` when given)
 * and a job worker, started before the file's tests and stopped after them (`appEnv`: more of the app's settings).
 * `env` reads the running app;
 * `discordApi()` is the fake Discord the app's jobs post to.
 */
export function useProvidersApp(clock?: Clock, appEnv: Record<string, string> = {}) {
  let current: ProvidersApp | undefined;
  let worker: WorkerHandle | undefined;
  let discord: FakeDiscordApi | undefined;

  beforeAll(async () => {
    discord = await new FakeDiscordApi().start();
    current = await startProvidersApp({ clock, env: { DISCORD_API_BASE_URL: discord.apiBase, ...appEnv } });
    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: current.t.services.bus,
      logger: current.t.services.logger,
      concurrency: 2,
      pollIntervalMs: 50,
      // Not the crontab, as in paypal-fixtures.ts: its wall-clock runs would read the file's checkouts mid-test. The
      // tests run a cron task when they mean to (runCronJob in reconcile-job.ts).
      crontab: false,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await current?.close();
    await discord?.stop();
  });

  const running = (): ProvidersApp => {
    if (!current) throw new Error('the Square/BTCPay app is not started: use it inside a test or a hook');
    return current;
  };
  const env: ProvidersApp = {
    get t() {
      return running().t;
    },
    get square() {
      return running().square;
    },
    get btcpay() {
      return running().btcpay;
    },
    get base() {
      return running().base;
    },
    get server() {
      return running().server;
    },
    close: () => running().close(),
  };
  const discordApi = (): FakeDiscordApi => {
    if (!discord) throw new Error('the fake Discord is not started: use it inside a test or a hook');
    return discord;
  };
  return { env, discordApi };
}

async function enable(t: TestApp, tenantId: string, methods: PaymentMethod[]): Promise<void> {
  const tenant = await t.services.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  await t.services.db.tenant.update({
    where: { id: tenantId },
    data: { enabledPaymentMethods: [...new Set([...tenant.enabledPaymentMethods, ...methods])] },
  });
}

/** A Square seller account at the fake, its webhook subscription pointed at this connection's URL, saved, tested, CASHAPP_PAY on. */
export async function connectSquare(
  env: ProvidersApp,
  tenantId: string,
): Promise<{ connectionId: string; merchantId: string; accessToken: string; signatureKey: string }> {
  const { t, square, base } = env;
  const merchantId = `ML${randomBytes(6).toString('hex').toUpperCase()}`;
  const accessToken = `EAAAl${randomBytes(16).toString('hex')}`;
  const signatureKey = randomBytes(16).toString('base64url');
  const locationId = `L${randomBytes(6).toString('hex').toUpperCase()}`;
  const applicationId = `sandbox-sq0idb-${randomBytes(8).toString('hex')}`;
  square.merchants.push({
    merchantId,
    accessToken,
    applicationId,
    locations: [{ id: locationId, name: 'Main', country: 'US', currency: 'USD' }],
  });
  const ctx = adminCtx(tenantId);
  const saved = await t.services.paymentConnections.connect(ctx, {
    provider: 'SQUARE',
    environment: 'sandbox',
    config: { locationId, applicationId },
    secrets: { accessToken, webhookSignatureKey: signatureKey },
  });
  square.merchants.at(-1)!.webhook = { notificationUrl: `${base}/webhooks/square/${saved.id}`, signatureKey };
  const tested = await t.services.paymentConnections.test(ctx, 'SQUARE');
  if (!tested.ok) throw new Error(`Square test failed: ${tested.message}`);
  await enable(t, tenantId, ['CASHAPP_PAY']);
  return { connectionId: saved.id, merchantId, accessToken, signatureKey };
}

/** A store on the fake BTCPay Server with an API key and a webhook to this connection's URL, saved, tested, BTC_INVOICE on. */
export async function connectBtcPay(
  env: ProvidersApp,
  tenantId: string,
): Promise<{ connectionId: string; storeId: string; apiKey: string; webhookSecret: string }> {
  const { t, btcpay, base } = env;
  const storeId = `St${randomBytes(8).toString('hex')}`;
  const apiKey = randomBytes(20).toString('hex');
  const webhookSecret = randomBytes(16).toString('hex');
  btcpay.stores.push({ id: storeId, name: 'Shop store', apiKeys: [apiKey], webhooks: [] });
  const ctx = adminCtx(tenantId);
  const saved = await t.services.paymentConnections.connect(ctx, {
    provider: 'BTCPAY',
    environment: 'production',
    config: { serverUrl: btcpay.url, storeId },
    secrets: { apiKey, webhookSecret },
  });
  registerBtcPayWebhook(btcpay, storeId, `${base}/webhooks/btcpay/${saved.id}`, webhookSecret);
  const tested = await t.services.paymentConnections.test(ctx, 'BTCPAY');
  if (!tested.ok) throw new Error(`BTCPay test failed: ${tested.message}`);
  await enable(t, tenantId, ['BTC_INVOICE']);
  return { connectionId: saved.id, storeId, apiKey, webhookSecret };
}

/**
 * A shop with BTCPay connected and an unpaid $42.50 Bitcoin order whose invoice the customer opened ("Pay with
 * Bitcoin" on the invoice page): the order's invoice link and BTCPay's invoice id.
 */
export async function openBtcPayInvoice(env: ProvidersApp) {
  const f = factories();
  const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  const { storeId, connectionId, webhookSecret } = await connectBtcPay(env, tenant.id);
  const { order, link, path } = await unpaidOrderLink(env.t.services, { tenant, guild, customer }, { method: 'BTC_INVOICE', cents: 4250 });
  const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
  const invoiceId = /\/i\/([^/?]+)$/.exec(String(res.headers.location))![1]!;
  await env.btcpay.idle();
  return { tenant, order, link, invoiceId, storeId, connectionId, webhookSecret };
}

/** The same order paid in full: the fake BTCPay settles the invoice and its signed webhook marks the order PAID. */
export async function paidBtcPayOrder(env: ProvidersApp) {
  const opened = await openBtcPayInvoice(env);
  await env.btcpay.pay(opened.invoiceId);
  await env.btcpay.idle();
  expect((await testDb().order.findUniqueOrThrow({ where: { id: opened.order.id } })).status).toBe('PAID');
  return opened;
}

/** A shop with Cash App Pay (Square) or Bitcoin (BTCPay) connected and an unpaid $42.50 order of that method, with its link. */
export async function connectedShopOrder(env: ProvidersApp, method: 'CASHAPP_PAY' | 'BTC_INVOICE') {
  const { tenant, guild, customer } = await factories().shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  if (method === 'CASHAPP_PAY') await connectSquare(env, tenant.id);
  else await connectBtcPay(env, tenant.id);
  const { order, path } = await unpaidOrderLink(env.t.services, { tenant, guild, customer }, { method, cents: 4250 });
  return { tenant, order, path };
}

/**
 * A Cash App Pay charge made at Square with the shop's own connection, as the invoice page's charge sends it
 * (CreatePayment, `idempotencyKey` = the checkout's id), without our page: a charge whose answer was lost, or a
 * payment we did not start. Square notifies as for any payment. $42.50 unless `amountCents` says otherwise; the
 * sandbox token that is approved unless `sourceToken` names another.
 */
export async function chargeAtSquare(
  env: ProvidersApp,
  tenantId: string,
  charge: { idempotencyKey: string; orderId: string; note: string; amountCents?: number; sourceToken?: string },
) {
  const conn = await env.t.services.paymentConnections.load({ tenantId, provider: 'SQUARE' });
  return env.t.services.paymentConnections.adapterFor('SQUARE').charge!(conn.conn, {
    sourceToken: SQUARE_TEST_TOKENS.ok,
    currency: 'USD',
    ...charge,
    amountCents: charge.amountCents ?? 4250,
  });
}

/**
 * A shop with Cash App Pay (Square) connected and an unpaid $42.50 order whose customer chose Cash App Pay on the
 * invoice page: the checkout is open (named by our own id until a charge binds it), nothing charged yet.
 */
export async function openSquareCheckout(env: ProvidersApp) {
  const f = factories();
  const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  const { connectionId } = await connectSquare(env, tenant.id);
  const { order, path } = await unpaidOrderLink(env.t.services, { tenant, guild, customer }, { method: 'CASHAPP_PAY', cents: 4250 });
  const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
  const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(res.headers.location))![1]!;
  return { tenant, guild, order, path, checkoutId, connectionId };
}

/** The same order paid with Cash App Pay on the invoice page; Square's payment id. */
export async function paidSquareOrder(env: ProvidersApp) {
  const db = testDb();
  const { tenant, guild, order, path, checkoutId, connectionId } = await openSquareCheckout(env);
  const paid = await request(env.t.app)
    .post(`${path}/cash-app/${checkoutId}/charge`)
    .send({ sourceToken: SQUARE_TEST_TOKENS.ok })
    .expect(200);
  expect(paid.body.outcome).toBe('paid');
  await env.square.idle();
  const paymentId = (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).paymentReference!;
  return { tenant, guild, order, paymentId, checkoutId, connectionId };
}

/**
 * What the seller's Square dashboard does: RefundPayment with the seller's own access token, for `amount` cents;
 * resolves once Square completed it (refund.created PENDING, then refund.updated COMPLETED). Square's refund id.
 */
export async function squareDashboardRefund(env: ProvidersApp, paymentId: string, amount: number): Promise<string> {
  const payment = env.square.payments.get(paymentId)!;
  const merchant = env.square.merchants.find((m) => m.merchantId === payment.merchantId)!;
  const res = await fetch(`${env.square.url}/v2/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchant.accessToken}`, 'content-type': 'application/json', 'square-version': '2026-09-16' },
    body: JSON.stringify({
      idempotency_key: `dash-${paymentId.slice(0, 20)}-${amount}`,
      payment_id: paymentId,
      amount_money: { amount, currency: 'USD' },
      reason: 'Refunded from the Square Dashboard',
    }),
  });
  expect(res.status).toBe(200);
  const refundId = ((await res.json()) as { refund: { id: string } }).refund.id;
  await waitFor('the refund completed at Square', async () => env.square.refunds.get(refundId)?.json.status === 'COMPLETED');
  await env.square.idle();
  return refundId;
}
