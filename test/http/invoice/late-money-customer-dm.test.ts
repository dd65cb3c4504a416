// The customer who paid for an order that could no longer take the money is told it is coming back. A PayPal capture
// made for an order the shop cancelled meanwhile reaches us by PayPal's signed webhook (twice); the ledger refunds it
// through PayPal, and the customer gets one DM from the fake Discord: which order, how much, why (the order's state in
// their words) and that it is being returned through PayPal. When PayPal refuses the refund, the admins are told to
// return it another way and the customer's DM never said it was returned. Before, the customer heard nothing.
// The customer is then told once more, once however often the event is delivered, that the shop will return it by
// hand (late-money-flagged.view.ts); before, the "being returned" DM was the last they heard. DMs closed: the admins
// are told the customer was not reached, as for every customer DM.
import { describe, expect, it } from 'vitest';
import { EVENTS, type LateMoneyFlaggedPayload } from '../../../src/modules/shared/events.js';
import { withTransaction } from '../../../src/platform/db/prisma.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, lastEvent, about, postWebhook, discordApi } = usePayPalApp(clock);

/** DMs to `discordUserId` (their text) that speak of money being returned. */
const returnDms = (discordUserId: string) =>
  discordApi()
    .directMessages()
    .filter((m) => m.userId === discordUserId)
    .map((m) => JSON.stringify(m.body))
    .filter((text) => text.includes('being returned'));

/** DMs to `discordUserId` (their text) that say the shop will return the money by hand. */
const byHandDms = (discordUserId: string) =>
  discordApi()
    .directMessages()
    .filter((m) => m.userId === discordUserId)
    .map((m) => JSON.stringify(m.body))
    .filter((text) => text.includes('will return it to you by hand'));

/** No job about this order is left in the queue (every notice ran to its end). */
async function queueDrained(orderId: string) {
  await waitFor(
    'no job about the order left in the queue',
    async () =>
      (
        await db.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${orderId}%`}`
      )[0]?.n === 0,
  );
}

/** PayPal captured the buyer's approval after the shop cancelled the order; its capture webhook reaches us twice. */
async function capturedAfterCancel() {
  const { tenant, order, path, connectionId } = await payPalOrder({ paymentStatus: 'pending' });
  const customer = await db.customer.findUniqueOrThrow({ where: { id: order.customerId } });
  const { paypalOrderId, checkout } = await startCheckout(path);
  env.paypal.dropWebhooks = true;
  try {
    env.paypal.approve(paypalOrderId);
    env.paypal.capture(paypalOrderId);
    await env.paypal.settle();
  } finally {
    env.paypal.dropWebhooks = false;
  }
  await env.t.services.orderAdmin.cancel(adminCtx(tenant.id), order.id, { note: 'Out of stock' });
  const completed = lastEvent('PAYMENT.CAPTURE.COMPLETED', about(paypalOrderId));
  return { tenant, order, customer, checkout, paypalOrderId, deliver: () => postWebhook(completed, connectionId) };
}

describe('money that reaches a PayPal checkout after its order was cancelled', () => {
  it('is refunded, and the customer is told once which order, how much, why and that it comes back through PayPal', async () => {
    const { order, customer, checkout, paypalOrderId, deliver } = await capturedAfterCancel();
    await deliver().expect(200);
    await deliver().expect(200); // PayPal delivers again
    await waitFor(
      'the refund sent',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction === 'REFUND_SENT',
    );
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    expect(env.paypal.refundedCents(captureId)).toBe(4250);

    const dm = await waitFor('the DM to the customer', async () => returnDms(customer.discordUserId)[0]);
    expect(dm).toContain(`order #${order.number} is being returned`);
    expect(dm).toContain('$42.50');
    expect(dm).toContain('the order had been cancelled');
    expect(dm).toContain('through the same PayPal payment');
    expect(dm).not.toMatch(/was returned|was refunded/);
    // Everything that follows the money (the refund job, the admins' "refunded" notice) has run: still one DM.
    await waitFor('the admins told it was refunded', async () =>
      discordApi()
        .find('POST', /\/channels\/\d+\/messages$/)
        .some((c) => JSON.stringify(c.body).includes('was refunded to the customer through the provider')),
    );
    expect(returnDms(customer.discordUserId)).toHaveLength(1);
  });

  it('refused by PayPal: the admins are told to return it another way; the customer was told it is being returned, not that it was', async () => {
    const { tenant, order, customer, checkout, deliver } = await capturedAfterCancel();
    env.paypal.failRefunds('reject');
    await deliver().expect(200);
    await waitFor(
      'the money flagged',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction === 'FLAGGED',
    );
    await waitFor('the admins told to return it', async () =>
      discordApi()
        .find('POST', new RegExp(`/channels/${tenant.adminChannelId}/messages$`))
        .some((c) => JSON.stringify(c.body).includes(`could NOT be returned automatically`)),
    );
    const dms = await waitFor('the DM to the customer', async () => {
      const found = returnDms(customer.discordUserId);
      return found.length ? found : undefined;
    });
    expect(dms).toHaveLength(1);
    expect(dms[0]).toContain(`order #${order.number}`);
    expect(dms[0]).not.toMatch(/was returned|was refunded/);
  });

  it('refused by PayPal: the customer is then told once, in plain words, that the shop will return it by hand', async () => {
    const { tenant, order, customer, checkout, deliver } = await capturedAfterCancel();
    env.paypal.failRefunds('reject');
    await deliver().expect(200);
    await deliver().expect(200); // PayPal delivers again
    const dm = await waitFor('the by-hand DM to the customer', async () => byHandDms(customer.discordUserId)[0]);
    expect(dm).toContain(`your payment for order #${order.number}`);
    expect(dm).toContain('**$42.50** from you with PayPal');
    expect(dm).toContain('but the order had been cancelled, so the payment was not applied to the order');
    expect(dm).toContain('It could not be sent back to you automatically. The shop has been told');
    expect(dm).toContain('If you have not heard from the shop in a few days, contact them.');
    expect(dm).not.toMatch(/being returned|was returned|was refunded/);

    // The event delivered again (a job run twice): still one DM, recorded once for an erasure to edit.
    await queueDrained(order.id);
    const again: LateMoneyFlaggedPayload = {
      tenantId: tenant.id,
      orderId: order.id,
      checkoutId: checkout.id,
      customerId: customer.id,
      orderNumber: order.number,
      method: 'PAYPAL',
      amountCents: 4250,
      currency: 'USD',
      cause: 'cancelled',
    };
    await withTransaction(db, (tx) => env.t.services.bus.emit(tx, EVENTS.lateMoneyFlagged, again));
    await queueDrained(order.id);
    expect(byHandDms(customer.discordUserId)).toHaveLength(1);
    expect(await db.sentDirectMessage.count({ where: { customerId: customer.id, kind: 'late-money-flagged' } })).toBe(1);
  });

  it('refused by PayPal, the customer not accepting DMs: the admins are told the customer was not reached', async () => {
    const { tenant, order, customer, deliver } = await capturedAfterCancel();
    discordApi().closeDms(customer.discordUserId);
    env.paypal.failRefunds('reject');
    await deliver().expect(200);
    await waitFor('the admins told the customer was not reached', async () =>
      discordApi()
        .find('POST', new RegExp(`/channels/${tenant.adminChannelId}/messages$`))
        .some((c) => JSON.stringify(c.body).includes('a payment which could not be used will be returned by the shop')),
    );
    expect(byHandDms(customer.discordUserId)).toHaveLength(0);
    expect(await db.sentDirectMessage.count({ where: { customerId: customer.id, kind: 'late-money-flagged' } })).toBe(0);
    await queueDrained(order.id);
  });
});
