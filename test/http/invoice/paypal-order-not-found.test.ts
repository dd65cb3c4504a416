// PayPal answering 404 (RESOURCE_NOT_FOUND) when we read back a checkout we created. PayPal forgets an order nobody
// approved after a while, so for an OPEN checkout the 404 means it lapsed: EXPIRED, and the buyer can press Pay
// again. It was read so for every checkout: a 404 during the reconciliation of a checkout whose eCheck was clearing
// (PENDING) made it EXPIRED, so the invoice offered Pay again while the money was on its way, the order was no longer
// held, and nothing ever asked PayPal about that checkout again. And a PAYMENT.CAPTURE.PENDING retried after the
// eCheck was denied, whose read-back PayPal answered 404, was applied as sent and took the FAILED checkout back to
// "on its way". A 404 now closes only a checkout nothing was ever on its way on; it ends no money on its way and
// reopens no closed checkout (docs/decisions/payments-core.md, "A checkout the provider no longer knows").
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { adminChannelTexts } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { runReconcileJob } from './reconcile-job.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, clearingPayPalCheckout, discordApi } = usePayPalApp(clock);

const page = async (path: string) => (await request(env.t.app).get(path).expect(200)).text;
const stateOf = async (id: string) => (await db.paymentCheckout.findUniqueOrThrow({ where: { id } })).state;

describe('PayPal answering 404 for a checkout we created', () => {
  it('an OPEN checkout (never approved) is EXPIRED by the reconciliation; the buyer can pay again', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    await db.order.update({ where: { id: order.id }, data: { paymentDueAt: new Date(clock.now().getTime() + 3 * 24 * 3600_000) } });
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404', 10);
    clock.advance(2 * 3600);
    await runReconcileJob(db);
    expect(await stateOf(checkout.id)).toBe('EXPIRED');
    expect(await page(path)).toContain('Pay $42.50');
  });

  it('a checkout whose eCheck is clearing stays on its way through the reconciliation', async () => {
    const { path, paypalOrderId, checkout } = await clearingPayPalCheckout();
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404', 10);
    clock.advance(2 * 3600);
    await runReconcileJob(db);
    expect(
      env.paypal.requests.some((r) => r.method === 'GET' && r.path === `/v2/checkout/orders/${paypalOrderId}` && r.status === 404),
    ).toBe(true);
    expect(await stateOf(checkout.id)).toBe('PENDING');
    const html = await page(path);
    expect(html).toContain('Payment on its way');
    expect(html).not.toContain('Pay $42.50');
  });

  it('PENDING, then DENIED, then the PENDING event retried with its read-back answered 404: the checkout stays failed', async () => {
    const { path, paypalOrderId, checkout, captureId, pending } = await clearingPayPalCheckout();
    env.paypal.denyPendingCapture(captureId);
    await env.paypal.settle();
    await waitFor('the checkout failed', async () => ((await stateOf(checkout.id)) === 'FAILED' ? true : undefined));

    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404');
    expect(await env.paypal.redeliver(pending.eventId)).toBe(200);
    expect(
      env.paypal.requests.some((r) => r.method === 'GET' && r.path === `/v2/checkout/orders/${paypalOrderId}` && r.status === 404),
    ).toBe(true);
    expect(await stateOf(checkout.id)).toBe('FAILED');
    expect(await db.providerWebhookEvent.findFirst({ where: { eventId: pending.eventId } })).toMatchObject({ outcome: 'applied' });
    const html = await page(path);
    expect(html).not.toContain('Payment on its way');
    expect(html).toContain('Pay $42.50');
  });
});

describe('PayPal answering 404 for an APPROVED checkout with no capture recorded', () => {
  it('is EXPIRED by the reconciliation (we capture on approval: PayPal took no money); the buyer can pay again', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    await db.order.update({ where: { id: order.id }, data: { paymentDueAt: new Date(clock.now().getTime() + 3 * 24 * 3600_000) } });
    const { paypalOrderId, checkout } = await startCheckout(path);
    // The buyer approved; the capture never happened (our return and PayPal's webhooks lost): the checkout is APPROVED
    // with nothing captured, as the CHECKOUT.ORDER.APPROVED webhook leaves it when it cannot capture.
    env.paypal.dropWebhooks = true;
    env.paypal.approve(paypalOrderId);
    env.paypal.dropWebhooks = false;
    await db.paymentCheckout.update({ where: { id: checkout.id }, data: { state: 'APPROVED', inFlightAt: clock.now() } });
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404', 10);
    clock.advance(2 * 3600);
    await runReconcileJob(db);
    expect(await stateOf(checkout.id)).toBe('EXPIRED');
    expect(await page(path)).toContain('Pay $42.50');
  });
});

describe('PayPal answering 404 for the order of a checkout whose eCheck is clearing (PENDING)', () => {
  it('its capture, read by its id, keeps it on its way', async () => {
    const { paypalOrderId, checkout, captureId } = await clearingPayPalCheckout();
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).paymentReference).toBe(captureId);
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404', 10);
    clock.advance(2 * 3600);
    await runReconcileJob(db);
    expect(env.paypal.requests.some((r) => r.method === 'GET' && r.path === `/v2/payments/captures/${captureId}` && r.status === 200)).toBe(
      true,
    );
    expect(await stateOf(checkout.id)).toBe('PENDING');
  });

  it("the buyer reloading PayPal's return page reads its capture too: still on its way, not closed on the order's 404", async () => {
    const { paypalOrderId, checkout, captureId, back } = await clearingPayPalCheckout();
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404', 10);
    await request(env.t.app).get(`${back.pathname}${back.search}`);
    expect(env.paypal.requests.some((r) => r.method === 'GET' && r.path === `/v2/payments/captures/${captureId}` && r.status === 200)).toBe(
      true,
    );
    expect(await stateOf(checkout.id)).toBe('PENDING');
  });

  it('its capture unknown too: closed FAILED (no longer blocking the order), the admins told once', async () => {
    const { order, path, paypalOrderId, checkout, captureId } = await clearingPayPalCheckout();
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: order.tenantId } });
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404', 10);
    env.paypal.failReads(new RegExp(`^/v2/payments/captures/${captureId}$`), '404', 10);
    clock.advance(2 * 3600);
    await runReconcileJob(db);
    expect(await stateOf(checkout.id)).toBe('FAILED');
    expect(await page(path)).toContain('Pay $42.50');
    const alerts = () =>
      adminChannelTexts(discordApi(), tenant.adminChannelId!).filter(
        (t) => t.startsWith('Check a payment at PayPal') && t.includes(paypalOrderId),
      );
    await waitFor('the admin alert', async () => alerts()[0]);
    expect(alerts()[0]).toContain(captureId);

    clock.advance(2 * 3600);
    await runReconcileJob(db);
    await waitForJobsDone();
    expect(alerts()).toHaveLength(1);
    expect(await stateOf(checkout.id)).toBe('FAILED');
  });
});
