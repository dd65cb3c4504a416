// The buyer back from PayPal (GET /invoice/:token/return/:checkoutId) on a checkout whose PayPal order names another
// order of ours (custom_id) than the checkout's. The webhook and the reconciliation leave such a payment unapplied and
// tell the admins (webhook-names-another-order, reconcile-names-another-order); the return did not check it: it
// captured an APPROVED PayPal order (taking money for another order from this invoice's page) and applied the payment
// to this order. Now the return never captures it and applies nothing to either order; money it reports tells the
// admins once (a second return does not post again). The page says "recorded for another order" ("elsewhere", with the
// Pay button still there) only when PayPal took the money; approved and never captured, nothing was taken, so it says
// the payment was not completed ("open"), the admins told all the same; not approved, "open" and nobody told.
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { adminChannelTexts } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { anotherUnpaidOrder, expectNothingApplied, paymentsOf } from './other-order-assertions.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, discordApi } = usePayPalApp(clock);

const ELSEWHERE_WORDS =
  'The payment provider has recorded your payment for another order, so it was not applied to this invoice. The shop has been told. Contact the shop about that payment before you pay again; this invoice can still be paid below.';
const NOT_COMPLETED = 'Payment was not completed. You can choose a payment method again below.';

afterEach(() => {
  env.paypal.dropWebhooks = false;
});

const alertsAbout = (channelId: string, paypalOrderId: string) =>
  adminChannelTexts(discordApi(), channelId).filter((t) => t.startsWith('Check a payment at PayPal') && t.includes(paypalOrderId));

/**
 * A PayPal order with "Pay with PayPal" pressed, another unpaid order of the same shop, and the checkout's PayPal order
 * naming that other order. PayPal's webhooks are lost, so what happens is the return's doing alone.
 */
async function checkoutNamingAnotherOrder() {
  const shop = await payPalOrder({ paymentStatus: 'pending' });
  const { paypalOrderId, checkout } = await startCheckout(shop.path);
  const other = await anotherUnpaidOrder(shop.tenant.id, shop.order, 'PAYPAL');
  env.paypal.orders.get(paypalOrderId)!.purchaseUnit.custom_id = other.id;
  env.paypal.dropWebhooks = true;
  return { ...shop, paypalOrderId, checkout, other };
}

const captureRequests = (paypalOrderId: string) =>
  env.paypal.requests.filter((r) => r.method === 'POST' && r.path === `/v2/checkout/orders/${paypalOrderId}/capture`);

/** The buyer's browser back from PayPal: our answer's redirect. */
async function comeBack(back: URL): Promise<string> {
  const res = await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
  return String(res.headers.location);
}

/** The invoice page the return sent the buyer to says it was applied elsewhere, and still offers Pay. */
async function expectElsewherePage(location: string, path: string): Promise<void> {
  expect(location).toBe(`${path}?checkout=elsewhere`);
  const page = await request(env.t.app).get(location).expect(200);
  expect(page.text).toContain(`<div class="notice" id="elsewhere">${ELSEWHERE_WORDS}</div>`);
  expect(page.text).not.toContain('id="paid"');
  expect(page.text).toContain(`action="${path}/pay?owed=4250"`);
  expect(page.text).toContain('Pay with PayPal');
}

describe('the buyer back from PayPal on a checkout whose PayPal order names another order', () => {
  it('APPROVED: nothing is captured or applied, the admins are told, and the page says the payment was not completed and offers Pay', async () => {
    const { tenant, order, other, path, paypalOrderId, checkout } = await checkoutNamingAnotherOrder();
    const back = new URL(env.paypal.approve(paypalOrderId));

    const paymentsBefore = await paymentsOf([order.id, other.id]);
    const location = await comeBack(back);

    expect(captureRequests(paypalOrderId)).toEqual([]);
    expect(env.paypal.orders.get(paypalOrderId)!).toMatchObject({ status: 'APPROVED', captures: [] });
    await expectNothingApplied([order.id, other.id], paymentsBefore, checkout.id);
    // Nothing was taken (approved, never captured): not "recorded for another order", which reads as money taken.
    expect(location).toBe(`${path}?checkout=open`);
    const page = await request(env.t.app).get(location).expect(200);
    expect(page.text).toContain(NOT_COMPLETED);
    expect(page.text).not.toContain('id="elsewhere"');

    // The admins are still told about the approved payment naming another order.
    const alert = await waitFor('the admin alert', async () => alertsAbout(tenant.adminChannelId!, paypalOrderId)[0]);
    expect(alert).toContain(`order #${order.number}`);
    expect(alert).toContain(other.id);

    // Pay opens a new PayPal order for this one.
    const pay = await request(env.t.app).post(`${path}/pay?owed=4250`).type('form').send({ method: 'PAYPAL' }).expect(303);
    const next = new URL(String(pay.headers.location)).searchParams.get('token')!;
    expect(next).not.toBe(paypalOrderId);
    expect(env.paypal.orders.get(next)!.purchaseUnit.custom_id).toBe(order.id);
  });

  it('COMPLETED: nothing is applied to either order, the admins are told once, and a second return tells nobody again', async () => {
    const { tenant, order, other, path, paypalOrderId, checkout } = await checkoutNamingAnotherOrder();
    const back = new URL(env.paypal.approve(paypalOrderId));
    // Captured at PayPal (another page of the buyer's, or PayPal's own retry) before the buyer's return reached us.
    const captureId = env.paypal.capture(paypalOrderId);

    const paymentsBefore = await paymentsOf([order.id, other.id]);
    const location = await comeBack(back);

    await expectNothingApplied([order.id, other.id], paymentsBefore, checkout.id);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction).toBeNull();
    expect(env.paypal.refundRequests(captureId)).toEqual([]);
    await expectElsewherePage(location, path);

    const alert = await waitFor('the admin alert', async () => alertsAbout(tenant.adminChannelId!, paypalOrderId)[0]);
    expect(alert).toContain(`order #${order.number}`);
    expect(alert).toContain('$42.50');
    expect(alert).toContain(other.id);

    // The buyer loads PayPal's return again: the same answer, nothing applied, no second alert.
    expect(await comeBack(back)).toBe(`${path}?checkout=elsewhere`);
    await expectNothingApplied([order.id, other.id], paymentsBefore, checkout.id);
    await waitForJobsDone();
    expect(alertsAbout(tenant.adminChannelId!, paypalOrderId)).toHaveLength(1);
  });

  it('not approved (no money): nothing applied, nobody told, and the page says the payment was not completed', async () => {
    const { tenant, order, other, path, paypalOrderId, checkout } = await checkoutNamingAnotherOrder();

    const paymentsBefore = await paymentsOf([order.id, other.id]);
    const location = await comeBack(new URL(`${env.base}${path}/return/${checkout.id}?token=${paypalOrderId}`));

    expect(location).toBe(`${path}?checkout=open`);
    expect(captureRequests(paypalOrderId)).toEqual([]);
    await expectNothingApplied([order.id, other.id], paymentsBefore, checkout.id);
    await waitForJobsDone();
    expect(alertsAbout(tenant.adminChannelId!, paypalOrderId)).toEqual([]);
  });
});
