// Development's fake PayPal keeps nothing across a restart of `npm start`, while the database (and the Webhook ID
// each shop saved) does: at start, every PayPal connection with the fake's app gets its webhook back
// (connectDemoProcessors -> restorePayPalWebhooks), as PayPal would have kept it. An owner's own shop that added
// its Webhook URL on the fake's /developer page before the restart is paid by a signed webhook after it, with the
// Webhook ID it saved, without the buyer coming back to the shop; the demo shop keeps its fixed Webhook ID, and a
// shop that typed the demo's Webhook ID (another URL's) is not given it.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEV_PAYPAL_APP, FakePayPal } from '../../../src/dev/fakes/fake-paypal.js';
import { connectDemoProcessors } from '../../../src/seed/demo-processors.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock, unpaidOrderLink } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, startCheckout } = usePayPalApp(clock);

/**
 * Saves the shop's PayPal card with the development app, as an owner does: first without a Webhook ID (the card
 * shows its Webhook URL once saved), then with one, tested and switched on.
 */
async function savePayPal(tenantId: string, webhookId?: string) {
  const saved = await env.t.services.paymentConnections.connect(adminCtx(tenantId), {
    provider: 'PAYPAL',
    environment: 'sandbox',
    config: { clientId: DEV_PAYPAL_APP.clientId, ...(webhookId ? { webhookId } : {}) },
    secrets: { clientSecret: DEV_PAYPAL_APP.clientSecret },
  });
  if (!webhookId) return saved;
  const tested = await env.t.services.paymentConnections.test(adminCtx(tenantId), 'PAYPAL');
  expect(tested.ok, tested.message).toBe(true);
  await db.tenant.update({ where: { id: tenantId }, data: { enabledPaymentMethods: ['PAYPAL'] } });
  return saved;
}

describe("development's fake PayPal across a restart", () => {
  it("gives an owner's shop its webhook back with the Webhook ID it saved, so its payment is confirmed by webhook", async () => {
    // Before the restart: the development server's fake (its one app), the demo shop connected at start.
    env.paypal.addApp(DEV_PAYPAL_APP.clientId, DEV_PAYPAL_APP.clientSecret);
    await f.shop({ tenant: { name: 'Demo Shop', enabledPaymentMethods: [] } });
    expect(await connectDemoProcessors(env.t.services, { paypal: env.paypal }, env.base)).toBe(true);
    const demo = await db.paymentConnection.findFirstOrThrow({ where: { provider: 'PAYPAL', tenant: { name: 'Demo Shop' } } });
    const demoUrl = `${env.base}/webhooks/paypal/${demo.id}`;

    // The owner's shop: the card saved, its Webhook URL added on the fake's /developer page, the Webhook ID saved.
    const mine = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    const myConnection = await savePayPal(mine.tenant.id);
    const myUrl = `${env.base}/webhooks/paypal/${myConnection.id}`;
    // The card's URL as the panel shows it when opened at the banner's http://localhost address.
    const myCardUrl = myUrl.replace('//127.0.0.1:', '//localhost:');
    const added = await request(env.paypal.url)
      .post('/developer/webhooks')
      .type('form')
      .send({ clientId: DEV_PAYPAL_APP.clientId, url: myCardUrl })
      .expect(303);
    const shown = await request(env.paypal.url).get(String(added.headers.location)).expect(200);
    const webhookId = /id="webhook-id">([^<]+)</.exec(shown.text)![1]!;
    await savePayPal(mine.tenant.id, webhookId);
    // A third shop typed the demo shop's Webhook ID (what the README once said) and never added its URL.
    const copier = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    const copierConnection = await savePayPal(copier.tenant.id, DEV_PAYPAL_APP.webhookId);
    const copierUrl = `${env.base}/webhooks/paypal/${copierConnection.id}`;

    // `npm start` again: a new fake (the same address here, as the app's PAYPAL_API_BASE_URL is fixed in this
    // test) that knows the app and nothing else, then start-up's connectDemoProcessors.
    const port = Number(new URL(env.paypal.url).port);
    await env.paypal.stop();
    const restarted = await new FakePayPal().start(port);
    try {
      restarted.addApp(DEV_PAYPAL_APP.clientId, DEV_PAYPAL_APP.clientSecret);
      expect(await connectDemoProcessors(env.t.services, { paypal: restarted }, env.base)).toBe(true);
      const dashboard = await request(restarted.url).get('/developer').expect(200);
      expect(dashboard.text).toContain(`<code>${webhookId}</code></td><td>${myUrl}</td>`);
      expect(dashboard.text).toContain(`<code>${DEV_PAYPAL_APP.webhookId}</code></td><td>${demoUrl}</td>`);
      expect(dashboard.text).not.toContain(copierUrl);
      // The owner adding the card's URL again, out of habit, is shown the same webhook, not a second one.
      const again = await request(restarted.url)
        .post('/developer/webhooks')
        .type('form')
        .send({ clientId: DEV_PAYPAL_APP.clientId, url: myCardUrl })
        .expect(303);
      expect(String(again.headers.location)).toBe(String(added.headers.location));
      expect((await request(restarted.url).get('/developer').expect(200)).text.split(webhookId).length - 1).toBe(1); // one row

      // The buyer pays the owner's shop and approves at PayPal, and never comes back to the shop.
      const { order, path: invoicePath } = await unpaidOrderLink(env.t.services, mine, { method: 'PAYPAL', cents: 2400 });
      const { paypalOrderId } = await startCheckout(invoicePath);
      restarted.approve(paypalOrderId);
      const about = () => restarted.sent.filter((w) => w.url === myUrl && w.body.includes(paypalOrderId));
      await waitFor('the order paid by webhook', async () => {
        await restarted.settle();
        return (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'PAID';
      });
      await restarted.settle();
      // Signed over the Webhook ID the shop saved: our endpoint answers 401 to a signature it cannot verify.
      expect(about().map((w) => [w.type, w.status])).toEqual([
        ['CHECKOUT.ORDER.APPROVED', 200],
        ['PAYMENT.CAPTURE.COMPLETED', 200],
      ]);
      // Nobody opened the return page: the capture was ours, asked for after the approval's webhook.
      expect(restarted.requests.filter((r) => r.path.endsWith('/capture')).length).toBe(1);
      expect(restarted.sent.filter((w) => w.url === copierUrl)).toEqual([]);
    } finally {
      await restarted.stop();
    }
  });
});
