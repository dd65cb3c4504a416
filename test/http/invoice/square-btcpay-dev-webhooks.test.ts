// Development's fake Square and fake BTCPay and a shop of the owner's own (as paypal-dev-webhooks.test.ts is for
// PayPal): a first shop connected as the demo shop is at start (its webhook set by the code that starts the fake),
// and a second shop whose admin connects the same Square account and BTCPay store, then adds its own webhook at
// the fake, through the provider's API (Square's Webhook Subscriptions API, Greenfield's store webhooks) or the
// fake's pages (Square's Developer Dashboard -> Webhooks, BTCPay's Store -> Settings -> Webhooks -> Create
// Webhook). Its customer's payment then pays its order by the signed webhook alone, the first shop's still
// arrive, and a webhook of another merchant or store never gets these events.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { registerBtcPayWebhook } from '../../../src/dev/fakes/fake-btcpay.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { unpaidOrderLink } from './invoice-fixtures.js';
import { chargeAtSquare, connectBtcPay, connectSquare, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const f = factories();
const { env } = useProvidersApp();

type Shop = Awaited<ReturnType<typeof f.shop>>;
const statusOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId } })).status;

async function testAndEnable(tenantId: string, provider: 'SQUARE' | 'BTCPAY') {
  const tested = await env.t.services.paymentConnections.test(adminCtx(tenantId), provider);
  expect(tested.ok, tested.message).toBe(true);
  const method = provider === 'SQUARE' ? 'CASHAPP_PAY' : 'BTC_INVOICE';
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  await db.tenant.update({ where: { id: tenantId }, data: { enabledPaymentMethods: [...tenant.enabledPaymentMethods, method] } });
}

/** A Cash App Pay order whose charge reached Square but whose answer never reached us: only the webhook can pay it. */
async function cashAppPaidAtSquareOnly(shop: Shop) {
  const { order, path } = await unpaidOrderLink(env.t.services, shop, { method: 'CASHAPP_PAY', cents: 4250 });
  const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
  const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(res.headers.location))![1]!;
  await chargeAtSquare(env, shop.tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'answer lost' });
  await env.square.idle();
  return { order, paymentId: [...env.square.payments.values()].find((p) => p.json.reference_id === order.id)!.json.id };
}

/** A Bitcoin order the customer pays on the fake BTCPay's checkout page, opened from our invoice page. */
async function bitcoinPaidOnCheckoutPage(shop: Shop) {
  const { order, path } = await unpaidOrderLink(env.t.services, shop, { method: 'BTC_INVOICE', cents: 4250 });
  const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
  const checkout = new URL(String(res.headers.location));
  const invoiceId = /\/i\/([^/?]+)$/.exec(checkout.pathname)![1]!;
  await request(env.btcpay.url).post(`/i/${invoiceId}/pay`).type('form').send({ amount: 'full' }).expect(303);
  await env.btcpay.idle();
  return { order, invoiceId };
}

describe("development's fake Square and an owner's own shop", () => {
  it('a subscription added with the Webhook Subscriptions API or the Developer Dashboard page pays the shop by its signed webhook', async () => {
    // The first shop, connected as the demo shop is (its notification URL and key set when the fake starts).
    const demo = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const demoConn = await connectSquare(env, demo.tenant.id);
    const merchant = env.square.merchants.find((m) => m.merchantId === demoConn.merchantId)!;
    const demoUrl = `${env.base}/webhooks/square/${demoConn.connectionId}`;

    // The owner's shop: the same Square account's credentials, saved before there is a webhook to name.
    const mine = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const ctx = adminCtx(mine.tenant.id);
    const saved = await env.t.services.paymentConnections.connect(ctx, {
      provider: 'SQUARE',
      environment: 'sandbox',
      config: { locationId: merchant.locations[0]!.id, applicationId: merchant.applicationId },
      secrets: { accessToken: merchant.accessToken },
    });
    const myUrl = `${env.base}/webhooks/square/${saved.id}`;

    // Square's Webhook Subscriptions API, with the account's access token.
    const api = (method: 'get' | 'post' | 'delete', path: string, token = merchant.accessToken) =>
      request(env.square.url)[method](path).set('authorization', `Bearer ${token}`).set('square-version', '2026-09-16');
    await api('post', '/v2/webhooks/subscriptions')
      .send({ subscription: { name: 'x' } })
      .expect(400);
    const refusedHttp = await api('post', '/v2/webhooks/subscriptions')
      .send({ subscription: { event_types: ['payment.updated'], notification_url: 'http://shop.example/webhooks' } })
      .expect(400);
    expect(refusedHttp.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'subscription.notification_url' });
    await api('post', '/v2/webhooks/subscriptions', 'EAAAl-not-a-token')
      .send({ subscription: { event_types: ['payment.updated'], notification_url: myUrl } })
      .expect(401);
    const created = await api('post', '/v2/webhooks/subscriptions')
      .send({
        subscription: {
          name: 'My shop',
          event_types: ['payment.created', 'payment.updated', 'refund.created', 'refund.updated'],
          notification_url: myUrl,
          api_version: '2026-09-16',
        },
      })
      .expect(200);
    const sub = created.body.subscription;
    expect(sub).toMatchObject({ name: 'My shop', enabled: true, notification_url: myUrl, api_version: '2026-09-16' });
    expect(sub.id).toMatch(/^wbhk_[0-9a-f]{32}$/);
    expect(typeof sub.signature_key).toBe('string');
    const listed = await api('get', '/v2/webhooks/subscriptions').expect(200);
    expect(listed.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([sub.id]);
    expect(listed.body.subscriptions[0].signature_key).toBeUndefined();

    await env.t.services.paymentConnections.connect(ctx, {
      provider: 'SQUARE',
      environment: 'sandbox',
      config: { locationId: merchant.locations[0]!.id, applicationId: merchant.applicationId },
      secrets: { webhookSignatureKey: sub.signature_key },
    });
    await testAndEnable(mine.tenant.id, 'SQUARE');

    // Another merchant of the fake with a subscription of its own: none of this account's events reach it.
    const other = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const otherConn = await connectSquare(env, other.tenant.id);
    const otherMerchant = env.square.merchants.find((m) => m.merchantId === otherConn.merchantId)!;
    const otherSubUrl = `${env.base}/elsewhere/square/${otherConn.merchantId}`;
    await api('post', '/v2/webhooks/subscriptions', otherMerchant.accessToken)
      .send({ subscription: { event_types: ['payment.updated'], notification_url: otherSubUrl } })
      .expect(200);

    const paid = await cashAppPaidAtSquareOnly(mine);
    expect(await statusOf(paid.order.id)).toBe('PAID');
    const about = (url: string, paymentId: string) =>
      env.square.outbox.deliveries
        .filter((d) => d.url === url && d.body.includes(paymentId))
        .map((d) => [JSON.parse(d.body).type, d.status]);
    expect(about(myUrl, paid.paymentId)).toEqual([
      ['payment.created', 200],
      ['payment.updated', 200],
    ]);
    // The demo shop still gets the account's events (Square sends each to every subscription of the account).
    const demoPaid = await cashAppPaidAtSquareOnly(demo);
    expect(await statusOf(demoPaid.order.id)).toBe('PAID');
    expect(about(demoUrl, demoPaid.paymentId).map(([, status]) => status)).toEqual([200, 200]);
    // Each shop's endpoint is sent the other's events too and answers them 200, not its own (Square stops retrying).
    expect(about(demoUrl, paid.paymentId).map(([, status]) => status)).toEqual([200, 200]);
    expect(about(myUrl, demoPaid.paymentId).map(([, status]) => status)).toEqual([200, 200]);
    // The other merchant's subscription got only its own merchant's events: none so far.
    expect(env.square.outbox.deliveries.filter((d) => d.url === otherSubUrl)).toEqual([]);

    // The Developer Dashboard page: a third shop's owner adds a subscription and copies its signature key.
    const third = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const thirdSaved = await env.t.services.paymentConnections.connect(adminCtx(third.tenant.id), {
      provider: 'SQUARE',
      environment: 'sandbox',
      config: { locationId: merchant.locations[0]!.id, applicationId: merchant.applicationId },
      secrets: { accessToken: merchant.accessToken },
    });
    const thirdUrl = `${env.base}/webhooks/square/${thirdSaved.id}`;
    const dashboard = request(env.square.url);
    const page = await dashboard.get('/developer/webhooks').expect(200);
    expect(page.text).toContain(merchant.applicationId);
    expect(page.text).toContain(myUrl);
    expect(page.text).toContain(demoUrl); // the demo's, set when the fake started
    await dashboard
      .post('/developer/webhooks/subscriptions')
      .type('form')
      .send({ applicationId: merchant.applicationId, notification_url: thirdUrl })
      .expect(400);
    const added = await dashboard
      .post('/developer/webhooks/subscriptions')
      .type('form')
      .send(
        `applicationId=${encodeURIComponent(merchant.applicationId)}&name=Third&notification_url=${encodeURIComponent(thirdUrl)}` +
          '&event_types=payment.created&event_types=payment.updated',
      )
      .expect(303);
    const shown = await dashboard.get(String(added.headers.location)).expect(200);
    const signatureKey = /id="signature-key">([^<]+)</.exec(shown.text)![1]!;
    // Adding the same URL again (after the fake restarted, say) gives the same key.
    const again = await dashboard
      .post('/developer/webhooks/subscriptions')
      .type('form')
      .send(
        `applicationId=${encodeURIComponent(merchant.applicationId)}&notification_url=${encodeURIComponent(thirdUrl)}&event_types=payment.updated`,
      )
      .expect(303);
    expect(String(again.headers.location)).toBe(String(added.headers.location));
    await env.t.services.paymentConnections.connect(adminCtx(third.tenant.id), {
      provider: 'SQUARE',
      environment: 'sandbox',
      config: { locationId: merchant.locations[0]!.id, applicationId: merchant.applicationId },
      secrets: { webhookSignatureKey: signatureKey },
    });
    await testAndEnable(third.tenant.id, 'SQUARE');
    const thirdPaid = await cashAppPaidAtSquareOnly(third);
    expect(await statusOf(thirdPaid.order.id)).toBe('PAID');

    // The other merchant's own payment reaches its subscription, and no subscription of the first account.
    const otherPaid = await cashAppPaidAtSquareOnly(other);
    expect(await statusOf(otherPaid.order.id)).toBe('PAID');
    expect(env.square.outbox.deliveries.filter((d) => d.url === otherSubUrl).map((d) => JSON.parse(d.body).type)).toEqual([
      'payment.updated',
    ]);
    for (const url of [demoUrl, myUrl, thirdUrl])
      expect(env.square.outbox.deliveries.filter((d) => d.url === url && d.body.includes(otherPaid.paymentId))).toEqual([]);

    // Deleted, a subscription gets nothing more.
    await api('delete', `/v2/webhooks/subscriptions/${sub.id}`).expect(200);
    await api('delete', `/v2/webhooks/subscriptions/${sub.id}`).expect(404);
    const afterDelete = await cashAppPaidAtSquareOnly(demo);
    expect(env.square.outbox.deliveries.filter((d) => d.url === myUrl && d.body.includes(afterDelete.paymentId))).toEqual([]);
  });
});

describe("development's fake BTCPay Server and an owner's own shop", () => {
  it("a webhook made on the store's Create Webhook page or through Greenfield pays the shop by its signed webhook", async () => {
    const demo = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const demoConn = await connectBtcPay(env, demo.tenant.id);
    const demoUrl = `${env.base}/webhooks/btcpay/${demoConn.connectionId}`;

    // The owner's shop: the same store and API key (what the start-up banner shows), no webhook yet.
    const mine = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const ctx = adminCtx(mine.tenant.id);
    const saved = await env.t.services.paymentConnections.connect(ctx, {
      provider: 'BTCPAY',
      environment: 'production',
      config: { serverUrl: env.btcpay.url, storeId: demoConn.storeId },
      secrets: { apiKey: demoConn.apiKey },
    });
    const myUrl = `${env.base}/webhooks/btcpay/${saved.id}`;

    // Store -> Settings -> Webhooks -> Create Webhook: payload URL, the secret the form offers, everything.
    const ui = request(env.btcpay.url);
    const form = await ui.get(`/stores/${demoConn.storeId}/webhooks/create`).expect(200);
    const offered = /name="secret" value="([^"]+)"/.exec(form.text)![1]!;
    await ui
      .post(`/stores/${demoConn.storeId}/webhooks/create`)
      .type('form')
      .send({ url: 'not a url', secret: offered, everything: 'true', active: 'true' })
      .expect(400);
    const created = await ui
      .post(`/stores/${demoConn.storeId}/webhooks/create`)
      .type('form')
      .send({ url: myUrl, secret: offered, everything: 'true', active: 'true', automaticRedelivery: 'true' })
      .expect(303);
    const listPage = await ui.get(String(created.headers.location)).expect(200);
    expect(/id="webhook-secret">([^<]+)</.exec(listPage.text)![1]).toBe(offered);
    expect(listPage.text).toContain(myUrl);
    expect(listPage.text).toContain(demoUrl);
    // What the development server does at start for the demo connection leaves the owner's webhook alone.
    registerBtcPayWebhook(env.btcpay, demoConn.storeId, demoUrl, demoConn.webhookSecret);
    expect(env.btcpay.stores.find((s) => s.id === demoConn.storeId)!.webhooks.map((w) => w.url)).toEqual([demoUrl, myUrl]);

    await env.t.services.paymentConnections.connect(ctx, {
      provider: 'BTCPAY',
      environment: 'production',
      config: { serverUrl: env.btcpay.url, storeId: demoConn.storeId },
      secrets: { webhookSecret: offered },
    });
    await testAndEnable(mine.tenant.id, 'BTCPAY');

    // Another store, whose webhook is made through Greenfield with its own API key and asks for InvoiceSettled only.
    const other = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const otherConn = await connectBtcPay(env, other.tenant.id);
    const greenfield = (method: 'get' | 'post' | 'delete', path: string, key = otherConn.apiKey) =>
      request(env.btcpay.url)[method](`/api/v1/stores/${otherConn.storeId}${path}`).set('authorization', `token ${key}`);
    const otherHookUrl = `${env.base}/elsewhere/btcpay/${otherConn.storeId}`;
    const invalid = await greenfield('post', '/webhooks').send({ url: 'nope' }).expect(422);
    expect(invalid.body).toEqual([{ path: 'Url', message: 'Invalid Url' }]);
    // A key without the webhooks permission is refused as BTCPay refuses it; the demo's key is not this store's.
    const viewOnly = 'view-only-key';
    env.btcpay.stores.find((s) => s.id === otherConn.storeId)!.apiKeys.push(viewOnly);
    env.btcpay.setApiKeyPermissions(viewOnly, [`btcpay.store.canviewinvoices:${otherConn.storeId}`]);
    const refused = await greenfield('post', '/webhooks', viewOnly).send({ url: otherHookUrl }).expect(403);
    expect(refused.body).toMatchObject({ code: 'missing-permission', missingPermission: 'btcpay.store.webhooks.canmodifywebhooks' });
    await greenfield('post', '/webhooks', demoConn.apiKey).send({ url: otherHookUrl }).expect(403);
    const made = await greenfield('post', '/webhooks')
      .send({ url: otherHookUrl, enabled: true, authorizedEvents: { everything: false, specificEvents: ['InvoiceSettled'] } })
      .expect(200);
    expect(made.body).toMatchObject({
      url: otherHookUrl,
      enabled: true,
      automaticRedelivery: true,
      authorizedEvents: { everything: false, specificEvents: ['InvoiceSettled'] },
    });
    expect(made.body.secret).toMatch(/^\w{20,}$/); // generated, shown once
    const one = await greenfield('get', `/webhooks/${made.body.id}`).expect(200);
    expect(one.body.secret).toBeUndefined();
    expect((await greenfield('get', '/webhooks').expect(200)).body.map((w: { id: string }) => w.id)).toContain(made.body.id);

    const paid = await bitcoinPaidOnCheckoutPage(mine);
    expect(await statusOf(paid.order.id)).toBe('PAID');
    const about = (url: string, invoiceId: string) =>
      env.btcpay.outbox.deliveries.filter((d) => d.url === url && d.body.includes(invoiceId));
    expect(
      about(myUrl, paid.invoiceId)
        .map((d) => d.status)
        .every((s) => s === 200),
    ).toBe(true);
    expect(about(myUrl, paid.invoiceId).map((d) => JSON.parse(d.body).type)).toContain('InvoiceSettled');
    // The demo shop's payments still arrive (each webhook of the store gets the store's events).
    const demoPaid = await bitcoinPaidOnCheckoutPage(demo);
    expect(await statusOf(demoPaid.order.id)).toBe('PAID');
    expect(about(demoUrl, demoPaid.invoiceId).map((d) => JSON.parse(d.body).type)).toContain('InvoiceSettled');
    // Each shop's endpoint is sent the other's events too and answers them 200, not its own.
    expect(about(demoUrl, paid.invoiceId).every((d) => d.status === 200)).toBe(true);
    expect(about(myUrl, demoPaid.invoiceId).map((d) => d.status)).toEqual(about(demoUrl, demoPaid.invoiceId).map(() => 200));

    // The other store's webhook gets its own store's InvoiceSettled and nothing of the first store.
    const otherPaid = await bitcoinPaidOnCheckoutPage(other);
    expect(await statusOf(otherPaid.order.id)).toBe('PAID');
    const otherDeliveries = env.btcpay.outbox.deliveries.filter((d) => d.url === otherHookUrl);
    expect(otherDeliveries.map((d) => [JSON.parse(d.body).type, JSON.parse(d.body).invoiceId])).toEqual([
      ['InvoiceSettled', otherPaid.invoiceId],
    ]);
    for (const url of [demoUrl, myUrl]) expect(about(url, otherPaid.invoiceId)).toEqual([]);

    // Deleted, a webhook gets nothing more.
    await greenfield('delete', `/webhooks/${made.body.id}`).expect(200);
    await greenfield('delete', `/webhooks/${made.body.id}`).expect(404);
    await bitcoinPaidOnCheckoutPage(other);
    expect(env.btcpay.outbox.deliveries.filter((d) => d.url === otherHookUrl)).toHaveLength(1);
  });
});
