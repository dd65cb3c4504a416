// Processor money and the pay window, against the fake PayPal over real HTTP: a capture whose webhook
// arrives after the order expired is refunded through PayPal (the order stays cancelled, never
// cancelled-and-paid); a checkout opened before the expiry is voided by it, so approving it later captures
// nothing; and a payment on its way at the deadline (an eCheck capture PENDING) holds the order instead of
// cancelling it, until the money clears and pays it. Time is moved (the deadline, by the database's clock the
// expiry reads, and the job's run_at), not waited for.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { waitFor } from '../../helpers/wait-for.js';
import { passPayWindowTime } from '../../modules/order-expiry/pay-window-time.js';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { IN_FLIGHT_GRACE_MINUTES } from '../../../src/modules/order-expiry/pay-window.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, lastEvent, about, postWebhook, discordApi } = usePayPalApp(clock);

async function scheduledPayPalOrder() {
  const s = await payPalOrder({
    tenant: { enabledPaymentMethods: ['VENMO_P2P'], paymentWindowMinutes: { PAYPAL: 60 } },
    paymentStatus: 'awaiting_admin_approval',
  });
  const { dueAt } = (await env.t.services.paymentWindows.schedule(s.tenant.id, s.order.id))!;
  return { ...s, dueAt };
}

/** The deadline passes and the expiry job runs (brought forward: the deadline is moved, nothing sleeps). The deadline it passed. */
async function passDeadline(orderId: string): Promise<Date> {
  const passed = await passPayWindowTime(db, orderId, 61 * 60);
  await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${`payment-expiry:${orderId}`}`;
  await waitFor(
    'the expiry job',
    async () =>
      (
        await db.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${`payment-expiry:${orderId}`} AND run_at <= now()`
      )[0]!.n === 0,
  );
  return passed;
}

describe('PayPal and the pay window', () => {
  it('money captured at PayPal whose webhook arrives after the expiry is refunded; the order stays cancelled', async () => {
    const { tenant, order, path, connectionId } = await scheduledPayPalOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    // The buyer pays at PayPal, but PayPal's webhooks are held back (and the buyer never returns).
    env.paypal.dropWebhooks = true;
    env.paypal.approve(paypalOrderId);
    env.paypal.capture(paypalOrderId);
    env.paypal.dropWebhooks = false;
    // Our side still sees an OPEN checkout at the deadline: the order expires.
    await passDeadline(order.id);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');

    await postWebhook(lastEvent('PAYMENT.CAPTURE.COMPLETED', about(paypalOrderId)), connectionId).expect(200);
    await waitFor(
      'the automatic refund',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction === 'REFUND_SENT',
    );
    const capture = env.paypal.orders.get(paypalOrderId)!.captures.at(-1)!;
    expect(env.paypal.refundedCents(capture.id)).toBe(4250);
    const after = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(after.status).toBe('CANCELLED');
    expect(after.payments.map((p) => p.status)).toEqual(['cancelled']);
    const actions = (await env.t.services.audit.listFor(tenant.id, 'Order', order.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['order.cancelled', 'payment.unapplied', 'payment.unapplied_refunded']));
    expect(actions).not.toContain('payment.confirmed');
    // The customer is told why their payment could not be used: the order had expired.
    const customer = await db.customer.findUniqueOrThrow({ where: { id: order.customerId } });
    const dm = await waitFor('the DM to the customer', async () =>
      discordApi()
        .directMessages()
        .filter((m) => m.userId === customer.discordUserId)
        .map((m) => JSON.stringify(m.body))
        .find((t) => t.includes('being returned')),
    );
    expect(dm).toContain('the order had expired (it was not paid in time)');
  }, 180_000);

  it('a checkout left open at the expiry is voided: approving it afterwards captures nothing', async () => {
    const { order, path } = await scheduledPayPalOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    await passDeadline(order.id);
    await waitFor(
      'the checkout voided',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state === 'VOIDED',
    );
    const back = new URL(env.paypal.approve(paypalOrderId));
    expect((await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303)).headers.location).toMatch(/checkout=changed$/);
    expect(env.paypal.orders.get(paypalOrderId)!.captures).toEqual([]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
  });

  it('a payment on its way at the deadline (eCheck pending) holds the order; when it clears the order is PAID', async () => {
    const { tenant, order, path } = await scheduledPayPalOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    env.paypal.dropWebhooks = false;
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });

    const before = await databaseNow(db);
    const passed = await passDeadline(order.id);
    const after = await databaseNow(db);
    const held = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(held.status).toBe('PENDING_PAYMENT');
    // Held for the grace period from the database's now when the expiry ran (not from the deadline, nor by the app's clock).
    const grace = IN_FLIGHT_GRACE_MINUTES * 60_000;
    expect(held.paymentDueAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() + grace);
    expect(held.paymentDueAt!.getTime()).toBeLessThanOrEqual(after.getTime() + grace);
    const [entry] = (await env.t.services.audit.listFor(tenant.id, 'Order', order.id)).filter(
      (e) => e.action === 'order.payment_window_held',
    );
    expect(entry).toMatchObject({ actorType: 'SYSTEM', before: { paymentDueAt: passed.toISOString() } });
    // The hold is no extension the shop gave: the customer gets no "more time to pay" DM (any such job has run by now).
    await waitForJobsDone({ tasks: ['order.payment_window_extended>discord-notify'] });
    const customer = await db.customer.findUniqueOrThrow({ where: { id: order.customerId } });
    const moreTime = discordApi()
      .directMessages()
      .filter((m) => m.userId === customer.discordUserId && JSON.stringify(m.body).includes('more time to pay'));
    expect(moreTime).toEqual([]);

    env.paypal.clearPendingCapture(env.paypal.orders.get(paypalOrderId)!.captures[0]!.id);
    await env.paypal.settle();
    await waitFor('paid', async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'PAID');
  });
});
