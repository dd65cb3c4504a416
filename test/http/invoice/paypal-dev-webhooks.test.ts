// Development's fake PayPal and a shop of the owner's own: two shops connected with one PayPal app (as every
// shop on the development server shares its fake's app), the first with its webhook registered as the demo
// shop's is at start. The second shop's payments arrive by webhook only once its owner adds the Webhook URL its
// PayPal card shows on the fake's developer dashboard and saves the Webhook ID it gives, as on PayPal's own
// dashboard; the first shop's endpoint is sent the second's events too (PayPal sends an app's events to each of
// its URLs) and answers them 200, not its own.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FakePayPal } from '../../../src/dev/fakes/fake-paypal.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { MovableClock, unpaidOrderLink } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, startCheckout } = usePayPalApp(clock);
const APP = { clientId: 'shared-dev-client', clientSecret: 'shared-dev-secret' };

/** Saves the shop's PayPal connection with the shared app (`webhookId` as the owner typed it, or none yet). */
async function savePayPal(tenantId: string, webhookId?: string) {
  return env.t.services.paymentConnections.connect(adminCtx(tenantId), {
    provider: 'PAYPAL',
    environment: 'sandbox',
    config: { clientId: APP.clientId, ...(webhookId ? { webhookId } : {}) },
    secrets: { clientSecret: APP.clientSecret },
  });
}

async function testAndEnable(tenantId: string) {
  const tested = await env.t.services.paymentConnections.test(adminCtx(tenantId), 'PAYPAL');
  expect(tested.ok, tested.message).toBe(true);
  await db.tenant.update({ where: { id: tenantId }, data: { enabledPaymentMethods: ['PAYPAL'] } });
}

/** An unpaid PayPal order of the shop and the buyer's approval at PayPal, without coming back to the shop. */
async function approvedWithoutReturn(shop: { tenant: { id: string }; guild: { id: string }; customer: { id: string } }) {
  const { order, path: invoicePath } = await unpaidOrderLink(env.t.services, shop, { method: 'PAYPAL', cents: 2400 });
  const { paypalOrderId } = await startCheckout(invoicePath);
  env.paypal.approve(paypalOrderId); // CHECKOUT.ORDER.APPROVED, to every webhook URL of the app
  await env.paypal.settle();
  await env.paypal.settle();
  return { order, paypalOrderId };
}

const statusOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId } })).status;

describe("development's fake PayPal and an owner's own shop", () => {
  it('pays the shop by webhook once its owner added its Webhook URL on the fake dashboard; the other shop answers 200', async () => {
    env.paypal.addApp(APP.clientId, APP.clientSecret);
    // The first shop, connected as the demo shop is: its URL registered with a fixed Webhook ID.
    const demo = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    const demoConnection = await savePayPal(demo.tenant.id, 'WH-LEDGERLINEDEV0001');
    env.paypal.registerWebhook(APP.clientId, `${env.base}/webhooks/paypal/${demoConnection.id}`, 'WH-LEDGERLINEDEV0001');
    await testAndEnable(demo.tenant.id);

    // The owner's shop saves the same app's credentials with the demo's Webhook ID (what the README said to type):
    // until its own URL is added, a payment reaches it only when the buyer comes back.
    const mine = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    const saved = await savePayPal(mine.tenant.id, 'WH-LEDGERLINEDEV0001');
    await testAndEnable(mine.tenant.id);
    const myUrl = `${env.base}/webhooks/paypal/${saved.id}`;
    const early = await approvedWithoutReturn(mine);
    expect(await statusOf(early.order.id)).toBe('PENDING_PAYMENT');
    expect(env.paypal.sent.filter((w) => w.url === myUrl)).toEqual([]);

    // The fake's developer dashboard: the app and its one webhook, and the form that adds one.
    const dashboard = request(env.paypal.url);
    const page = await dashboard.get('/developer').expect(200);
    expect(page.text).toContain(APP.clientId);
    expect(page.text).toContain(`/webhooks/paypal/${demoConnection.id}`);
    await dashboard.post('/developer/webhooks').type('form').send({ clientId: APP.clientId, url: 'not a url' }).expect(400);
    const added = await dashboard.post('/developer/webhooks').type('form').send({ clientId: APP.clientId, url: myUrl }).expect(303);
    const shown = await dashboard.get(String(added.headers.location)).expect(200);
    const webhookId = /id="webhook-id">([^<]+)</.exec(shown.text)![1]!;
    expect(webhookId).toMatch(/^WH-[0-9A-F]{17}-[0-9A-F]{17}$/);
    expect(shown.text).toContain(myUrl);
    // Adding the same URL again (after the fake restarted, say) gives the same Webhook ID.
    const again = await dashboard.post('/developer/webhooks').type('form').send({ clientId: APP.clientId, url: myUrl }).expect(303);
    expect(String(again.headers.location)).toBe(String(added.headers.location));
    const restarted = new FakePayPal();
    restarted.addApp(APP.clientId, APP.clientSecret);
    expect(restarted.addWebhookFromDashboard(APP.clientId, myUrl)).toBe(webhookId);

    await savePayPal(mine.tenant.id, webhookId);
    await testAndEnable(mine.tenant.id);
    const paid = await approvedWithoutReturn(mine);
    expect(await statusOf(paid.order.id)).toBe('PAID');
    const about = (url: string) => env.paypal.sent.filter((w) => w.url === url && w.body.includes(paid.paypalOrderId));
    expect(about(myUrl).map((w) => [w.type, w.status])).toEqual([
      ['CHECKOUT.ORDER.APPROVED', 200],
      ['PAYMENT.CAPTURE.COMPLETED', 200],
    ]);
    // The first shop was sent the same events and answered them 200 (not its own: PayPal stops retrying).
    expect(about(`${env.base}/webhooks/paypal/${demoConnection.id}`).map((w) => [w.type, w.status])).toEqual([
      ['CHECKOUT.ORDER.APPROVED', 200],
      ['PAYMENT.CAPTURE.COMPLETED', 200],
    ]);
  });
});
