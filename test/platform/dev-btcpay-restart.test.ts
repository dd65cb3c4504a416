// `npm start` in development, restarted: the start command (src/main.ts) with its local fake BTCPay Server, twice on
// one database. A BTCPay connection names its server's URL (stored with the connection, unlike PayPal's and Square's
// host, which is the process's PAYPAL_/SQUARE_API_BASE_URL), so the fake must come back at the same address: an
// owner's own shop connected to the first start's fake in Settings -> Payments passes "Test connection" after the
// restart, and its buyer's "Pay with Bitcoin" opens an invoice on the second start's fake, at the URL it stored.
// Before, the fake took a new port at each start and the connection pointed at nothing (only the demo shop's was
// rewritten to the new address at start). The webhook the owner created on the first fake's Webhooks page comes
// back too (restoreBtcPayWebhooks, at the restarted server's URL with the secret the shop saved): the payment
// after the restart pays the order by webhook with nothing added. Before, the fake kept none across a restart.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEV_BTCPAY_STORE } from '../../src/dev/fakes/fake-btcpay.js';
import { adminCtx } from '../helpers/actors.js';
import { createTestApp } from '../helpers/app.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { devStarts, startDevMain, stopDevMain } from '../helpers/dev-start.js';
import { waitFor } from '../helpers/wait-for.js';
import { unpaidOrderLink } from '../http/invoice/invoice-fixtures.js';

const db = testDb();
const f = factories();
const INVOICE_LINK_SIGNING_SECRET = 'dev-btcpay-restart-invoice-secret-0123';
const { children, apps } = devStarts();

/** src/main.ts in development on this file's database (test/helpers/dev-start.ts); `btcpay`: its fake's address. */
async function startMain(btcpayPort: number) {
  const started = await startDevMain({
    env: { INVOICE_LINK_SIGNING_SECRET, DEV_BTCPAY_PORT: String(btcpayPort) },
    fake: /BTCPay Server (?:runs at|is a local fake at) (http:\/\/[\d.:]+) .*\n(.*\n)*?\n/,
    children,
  });
  return { ...started, btcpay: started.fake };
}
const stopMain = stopDevMain;

describe.runIf(process.platform === 'linux')('npm start in development, restarted', { timeout: 240_000 }, () => {
  it("keeps the fake BTCPay at one address, so an owner's BTCPay connection to it still works", async () => {
    // The demo shop (connected to the fakes at each start) and the owner's own shop.
    await f.shop({ tenant: { name: 'Demo Shop', enabledPaymentMethods: [] } });
    const mine = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    // A port of its own, bound by the fake (0: the first start's fake picks one and the banner says which); the
    // restart asks for that one again, as a developer's fixed DEV_BTCPAY_PORT.
    const first = await startMain(0);
    const port = Number(new URL(first.btcpay).port);
    // Settings -> Payments, as the owner does against this server's fake BTCPay (the panel's services here).
    const t = await createTestApp({ env: { PUBLIC_BASE_URL: first.base, INVOICE_LINK_SIGNING_SECRET } });
    apps.push(t);
    const ctx = adminCtx(mine.tenant.id);
    const connection = await t.services.paymentConnections.connect(ctx, {
      provider: 'BTCPAY',
      environment: 'production',
      config: { serverUrl: first.btcpay, storeId: DEV_BTCPAY_STORE.storeId },
      secrets: { apiKey: DEV_BTCPAY_STORE.apiKey, webhookSecret: 'my-own-webhook-secret-2468' },
    });
    // The owner's webhook, created on the first fake's Webhooks page (the page the banner names) with that secret.
    const webhooksPage = `/stores/${DEV_BTCPAY_STORE.storeId}/webhooks`;
    expect(first.banner).toContain(`Create Webhook with the Webhook URL the card shows at ${first.btcpay}${webhooksPage}`);
    await request(first.btcpay)
      .post(`${webhooksPage}/create`)
      .type('form')
      .send({
        url: `${first.base.replace('//localhost:', '//127.0.0.1:')}/webhooks/btcpay/${connection.id}`,
        secret: 'my-own-webhook-secret-2468',
        everything: 'true',
        active: 'true',
      })
      .expect(303);
    const tested = await t.services.paymentConnections.test(ctx, 'BTCPAY');
    expect(tested.ok, tested.message).toBe(true);
    await db.tenant.update({ where: { id: mine.tenant.id }, data: { enabledPaymentMethods: ['BTC_INVOICE'] } });
    await stopMain(first.child);

    const second = await startMain(port);
    // The connection as the owner saved it (no shop's row rewritten at start), and it still answers.
    const stored = await db.paymentConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(stored.config).toMatchObject({ serverUrl: first.btcpay });
    const again = await t.services.paymentConnections.test(ctx, 'BTCPAY');
    expect(again.ok, again.message).toBe(true);
    expect(second.btcpay).toBe(first.btcpay);
    expect(second.btcpay).toBe(`http://127.0.0.1:${port}`);
    // The banner says what to type on a shop's BTCPay card; the demo shop's connection names the same address.
    expect(second.banner).toContain(
      `Server URL ${second.btcpay}, Store ID ${DEV_BTCPAY_STORE.storeId}, API key ${DEV_BTCPAY_STORE.apiKey}`,
    );
    const demo = await db.paymentConnection.findFirstOrThrow({ where: { provider: 'BTCPAY', tenant: { name: 'Demo Shop' } } });
    expect(demo.config).toMatchObject({ serverUrl: second.btcpay, storeId: DEV_BTCPAY_STORE.storeId });

    // The buyer opens the invoice link on the restarted server and pays with Bitcoin: sent to an invoice of the
    // restarted fake, at the address the connection stored.
    const { order, path: invoicePath } = await unpaidOrderLink(t.services, mine, { method: 'BTC_INVOICE', cents: 2400 });
    const pay = await request(second.base.replace('//localhost:', '//127.0.0.1:'))
      .post(`${invoicePath}/pay`)
      .type('form')
      .send({ method: 'BTC_INVOICE' })
      .expect(303);
    const checkout = new URL(String(pay.headers.location));
    expect(checkout.origin).toBe(first.btcpay);
    expect(checkout.pathname).toMatch(/^\/i\/[^/]+$/);
    await request(checkout.origin).get(checkout.pathname).expect(200);

    // Nothing added after the restart: the store has the owner's webhook again, at the restarted server's URL,
    // and the demo shop's, one webhook per URL.
    const publicBase = second.base.replace('//localhost:', '//127.0.0.1:');
    const webhooks = await request(second.btcpay)
      .get(`/api/v1/stores/${DEV_BTCPAY_STORE.storeId}/webhooks`)
      .set('authorization', `token ${DEV_BTCPAY_STORE.apiKey}`)
      .expect(200);
    expect((webhooks.body as { url: string }[]).map((w) => w.url).sort()).toEqual(
      [`${publicBase}/webhooks/btcpay/${connection.id}`, `${publicBase}/webhooks/btcpay/${demo.id}`].sort(),
    );
    await request(checkout.origin).post(`${checkout.pathname}/pay`).type('form').send({ amount: 'full' }).expect(303);
    await waitFor(
      'the order paid by the webhook',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'PAID',
    );
    // BTCPay's events reached the shop's connection and passed its signature check (a bad one is a 401).
    await waitFor('the settlement webhook recorded', async () =>
      (await db.providerWebhookEvent.findMany({ where: { connectionId: connection.id } })).some((e) => e.type === 'InvoiceSettled'),
    );
    await stopMain(second.child);
  });
});
