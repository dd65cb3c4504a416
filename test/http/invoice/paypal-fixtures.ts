// The set-up the PayPal invoice tests share (paypal-webhooks.test.ts, paypal-expiry.test.ts): the app on a
// real port with the fake PayPal (invoice-fixtures.ts) and a fake Discord, a job worker, and the buyer's and
// PayPal's steps: a shop with PayPal connected and an order to pay, "Pay with PayPal", an order paid through it,
// an eCheck clearing whose PENDING webhook was never delivered, a refund made in the owner's PayPal dashboard, the
// webhooks PayPal sent, and posting one to us.
import request from 'supertest';
import { afterAll, beforeAll, expect } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import type { SentWebhook } from '../../../src/dev/fakes/fake-paypal.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { connectPayPal, startPayPalApp, type MovableClock, type PayPalApp } from './invoice-fixtures.js';

type ShopOptions = NonNullable<Parameters<ReturnType<typeof factories>['shop']>[0]>;
type OrderOptions = Parameters<ReturnType<typeof factories>['order']>[0];

/**
 * Starts the app, the fakes and a worker before the file's tests and stops them after. `env` reads the
 * running app (use it inside tests and hooks); the helpers are bound to it.
 */
export function usePayPalApp(clock: MovableClock, appEnv: Record<string, string> = {}) {
  const db = testDb();
  const f = factories();
  let current: PayPalApp | undefined;
  let worker: WorkerHandle | undefined;
  let discord: FakeDiscordApi | undefined;

  beforeAll(async () => {
    discord = await new FakeDiscordApi().start();
    current = await startPayPalApp({ clock, env: { DISCORD_API_BASE_URL: discord.apiBase, ...appEnv } });
    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: current.t.services.bus,
      logger: current.t.services.logger,
      concurrency: 2,
      pollIntervalMs: 50,
      // Not the crontab: its runs come at the wall clock's minutes (the refund sweep every 5, reconciliation
      // every 3) and read and write the file's checkouts in the middle of a test, which then saw another read
      // order than it set up. The tests run a cron task when they mean to (runCronJob in reconcile-job.ts).
      crontab: false,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await current?.close();
    await discord?.stop();
  });

  const running = (): PayPalApp => {
    if (!current) throw new Error('the PayPal app is not started: use it inside a test or a hook');
    return current;
  };
  const env: PayPalApp = {
    get t() {
      return running().t;
    },
    get paypal() {
      return running().paypal;
    },
    get base() {
      return running().base;
    },
    get server() {
      return running().server;
    },
    close: () => running().close(),
  };

  /** A shop with PayPal connected and an unpaid PayPal order of 42.50, with its invoice link. */
  async function payPalOrder(opts: { tenant?: ShopOptions['tenant']; paymentStatus: OrderOptions['paymentStatus'] }) {
    const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'], ...opts.tenant } });
    const paypal = await connectPayPal(env, tenant.id);
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      paymentMethod: 'PAYPAL',
      paymentStatus: opts.paymentStatus,
      totalCents: 4250,
      lines: [{ productId: (await f.product({ tenantId: tenant.id })).id, quantity: 1, unitPriceCents: 4250 }],
    });
    const link = await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);
    return { tenant, order, link, path: new URL(link.url).pathname, ...paypal };
  }

  /** The buyer presses "Pay with PayPal": our checkout and PayPal's order id. */
  async function startCheckout(path: string) {
    const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(303);
    const paypalOrderId = new URL(String(res.headers.location)).searchParams.get('token')!;
    const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: paypalOrderId } });
    return { paypalOrderId, checkout };
  }

  /** A shop with an order of 42.50 paid through PayPal (the buyer came back, we captured), and PayPal's capture id. */
  async function paidPayPalOrder() {
    const shop = await payPalOrder({ paymentStatus: 'pending' });
    const { paypalOrderId, checkout } = await startCheckout(shop.path);
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    expect((await db.order.findUniqueOrThrow({ where: { id: shop.order.id } })).status).toBe('PAID');
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    return { ...shop, checkout, captureId };
  }

  /**
   * A PayPal order of 42.50 due in three days whose buyer paid by eCheck while our endpoint was down: the checkout is
   * clearing (PENDING) and PayPal's PAYMENT.CAPTURE.PENDING event (`pending`) was never delivered, kept to retry.
   * `back`: PayPal's return to us, which the buyer may load again.
   */
  async function clearingPayPalCheckout() {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    await db.order.update({ where: { id: order.id }, data: { paymentDueAt: new Date(clock.now().getTime() + 3 * 24 * 3600_000) } });
    const { paypalOrderId, checkout } = await startCheckout(path);
    // Our endpoint down while the buyer approves and we capture: PayPal keeps the events to retry.
    env.paypal.dropWebhooks = true;
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    env.paypal.dropWebhooks = false;
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    const pending = env.paypal.sent.find((w) => w.type === 'PAYMENT.CAPTURE.PENDING' && w.body.includes(captureId))!;
    expect(pending.status).toBeUndefined(); // never delivered
    return { order, path, paypalOrderId, checkout, captureId, pending, back };
  }

  /**
   * What the owner's PayPal dashboard does: POST captures/{id}/refund with the shop's own credentials, of `value`
   * (a decimal string) or, without it, of everything not yet refunded. Returns PayPal's refund id.
   */
  async function dashboardRefund(clientId: string, clientSecret: string, captureId: string, value?: string) {
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const token = (await fetch(`${env.paypal.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }).then((r) => r.json())) as { access_token: string };
    const res = await fetch(`${env.paypal.url}/v2/payments/captures/${captureId}/refund`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(value ? { amount: { currency_code: 'USD', value } } : {}),
    });
    expect(res.status).toBe(201);
    await env.paypal.settle();
    return ((await res.json()) as { id: string }).id;
  }

  /** The last webhook of `type` PayPal sent (that `predicate` accepts). */
  const lastEvent = (type: string, predicate: (w: SentWebhook) => boolean = () => true) =>
    env.paypal.sent.filter((w) => w.type === type && predicate(w)).at(-1)!;
  /** Webhooks about one PayPal order. */
  const about = (paypalOrderId: string) => (w: SentWebhook) => w.body.includes(paypalOrderId);
  /** Posts a webhook PayPal sent (or a changed body / headers) to our endpoint for `connectionId`. */
  const postWebhook = (w: SentWebhook, connectionId: string, body = w.body, headers = w.headers) =>
    request(env.t.app)
      .post(`/webhooks/paypal/${connectionId}`)
      .set({ 'content-type': 'application/json', ...headers })
      .send(body);

  /** The fake Discord API the app's notification jobs post to (admin channel alerts, DMs). */
  const discordApi = (): FakeDiscordApi => {
    if (!discord) throw new Error('the fake Discord is not started: use it inside a test or a hook');
    return discord;
  };

  return {
    env,
    payPalOrder,
    startCheckout,
    paidPayPalOrder,
    clearingPayPalCheckout,
    dashboardRefund,
    lastEvent,
    about,
    postWebhook,
    discordApi,
  };
}
