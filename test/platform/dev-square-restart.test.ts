// `npm start` in development, restarted: the start command (src/main.ts) with its local fake Square, twice on one
// database (as dev-paypal-restart.test.ts is for PayPal). An owner's own shop adds a subscription with its Webhook
// URL on the first fake's Developer Dashboard Webhooks page (the page the start-up banner names) and saves the
// signature key it shows; after the restart the new fake, which keeps nothing, is given that subscription back at
// start (restoreSquareSubscriptions: the restarted server's URL, the key the shop saved), so a Cash App Pay payment
// whose answer never reached the shop still pays its order by Square's signed webhook, with nothing added again.
// Before, the fake forgot it and the order stayed unpaid until the owner added the URL again.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEV_SQUARE_ACCOUNT, SQUARE_TEST_TOKENS } from '../../src/dev/fakes/fake-square.js';
import { adminCtx } from '../helpers/actors.js';
import { createTestApp } from '../helpers/app.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { devStarts, startDevMain, stopDevMain } from '../helpers/dev-start.js';
import { waitFor } from '../helpers/wait-for.js';
import { unpaidOrderLink } from '../http/invoice/invoice-fixtures.js';

const db = testDb();
const f = factories();
const INVOICE_LINK_SIGNING_SECRET = 'dev-square-restart-invoice-secret-01';
const { children, apps } = devStarts();

/** src/main.ts in development on this file's database (test/helpers/dev-start.ts); `square`: its fake's address. */
async function startMain() {
  const started = await startDevMain({
    // The fake BTCPay on a port of its own at each start (0: it picks one), not the default 3900 a developer may use.
    env: { INVOICE_LINK_SIGNING_SECRET, DEV_BTCPAY_PORT: '0' },
    fake: /local fake Square at (http:\/\/[\d.:]+)\..*\n(.*\n)*?\n/,
    children,
  });
  return { ...started, square: started.fake };
}
const stopMain = stopDevMain;

describe.runIf(process.platform === 'linux')('npm start in development, restarted', { timeout: 240_000 }, () => {
  it("keeps an owner's shop paid by Square's webhook with the signature key it saved on the fake's Webhooks page", async () => {
    // The demo shop (connected to the fakes at each start) and the owner's own shop.
    await f.shop({ tenant: { name: 'Demo Shop', enabledPaymentMethods: [] } });
    const mine = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    const first = await startMain();
    expect(first.banner).toContain(`${first.square}/developer/webhooks`);
    // Settings -> Payments, as the owner does against this server's fake Square (the panel's services here).
    const t = await createTestApp({ env: { SQUARE_API_BASE_URL: first.square, PUBLIC_BASE_URL: first.base, INVOICE_LINK_SIGNING_SECRET } });
    apps.push(t);
    const ctx = adminCtx(mine.tenant.id);
    const save = (webhookSignatureKey?: string) =>
      t.services.paymentConnections.connect(ctx, {
        provider: 'SQUARE',
        environment: 'sandbox',
        config: { applicationId: DEV_SQUARE_ACCOUNT.applicationId, locationId: DEV_SQUARE_ACCOUNT.locationId },
        secrets: { accessToken: DEV_SQUARE_ACCOUNT.accessToken, ...(webhookSignatureKey ? { webhookSignatureKey } : {}) },
      });
    const connection = await save();
    // The URL the Square card shows, added on the fake's Developer Dashboard; its signature key saved and tested.
    const added = await request(first.square)
      .post('/developer/webhooks/subscriptions')
      .type('form')
      .send(
        new URLSearchParams([
          ['applicationId', DEV_SQUARE_ACCOUNT.applicationId],
          ['name', 'My shop'],
          ['notification_url', `${first.base}/webhooks/square/${connection.id}`],
          ['event_types', 'payment.created'],
          ['event_types', 'payment.updated'],
          ['event_types', 'refund.created'],
          ['event_types', 'refund.updated'],
        ]).toString(),
      )
      .expect(303);
    const shown = await request(first.square).get(String(added.headers.location)).expect(200);
    const signatureKey = /id="signature-key">([^<]+)</.exec(shown.text)![1]!;
    await save(signatureKey);
    const tested = await t.services.paymentConnections.test(ctx, 'SQUARE');
    expect(tested.ok, tested.message).toBe(true);
    await db.tenant.update({ where: { id: mine.tenant.id }, data: { enabledPaymentMethods: ['CASHAPP_PAY'] } });
    await stopMain(first.child);

    const second = await startMain();
    // Nothing added after the restart: the application has the owner's subscription again, at the restarted
    // server's URL with the key the shop saved, once; the demo shop's URL keeps its one webhook.
    const ownUrl = `${second.base}/webhooks/square/${connection.id}`;
    const subscriptions = await request(second.square)
      .get('/v2/webhooks/subscriptions')
      .set('authorization', `Bearer ${DEV_SQUARE_ACCOUNT.accessToken}`)
      .expect(200);
    expect(
      (subscriptions.body as { subscriptions?: { notification_url: string }[] }).subscriptions?.map((s) => s.notification_url),
    ).toEqual([ownUrl]);
    const dashboard = await request(second.square).get('/developer/webhooks').expect(200);
    expect(dashboard.text).toContain(
      `<td>${ownUrl}</td><td>payment.created, payment.updated, refund.created, refund.updated</td><td><code>${signatureKey}</code>`,
    );
    const demo = await db.paymentConnection.findFirstOrThrow({ where: { provider: 'SQUARE', tenant: { name: 'Demo Shop' } } });
    expect(dashboard.text.split(`${second.base}/webhooks/square/${demo.id}<`)).toHaveLength(2);

    // The buyer opens the invoice link on the restarted server and chooses Cash App Pay; the payment reaches Square
    // (as the fake Web Payments SDK's token charged) but its answer never reaches the shop: only the webhook can pay.
    const { order, path: invoicePath } = await unpaidOrderLink(t.services, mine, { method: 'CASHAPP_PAY', cents: 2400 });
    const pay = await request(second.base).post(`${invoicePath}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(pay.headers.location))![1]!;
    await request(second.square)
      .post('/v2/payments')
      .set('authorization', `Bearer ${DEV_SQUARE_ACCOUNT.accessToken}`)
      .send({
        source_id: SQUARE_TEST_TOKENS.ok,
        idempotency_key: checkoutId,
        amount_money: { amount: 2400, currency: 'USD' },
        location_id: DEV_SQUARE_ACCOUNT.locationId,
        reference_id: order.id,
        note: 'answer lost',
        autocomplete: true,
      })
      .expect(200);
    await waitFor(
      'the order paid by the webhook',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'PAID',
    );
    // Square's event reached the shop's connection and passed its signature check (a bad one is a 401).
    await waitFor('the payment webhook recorded', async () =>
      (await db.providerWebhookEvent.findMany({ where: { connectionId: connection.id } })).some((e) => e.type === 'payment.created'),
    );
    await stopMain(second.child);
  });
});
