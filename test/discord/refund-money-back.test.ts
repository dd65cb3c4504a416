// /refund says who sends the money back, as the panel's refund notice does. On an order paid by hand (Venmo)
// it answered "Refunded $7.00 on order #1001 ... Order status: PARTIALLY_REFUNDED" and nothing else: the admin
// was not told that no money was sent, nor that the order page keeps a "send it back" to-do, while the customer's
// DM said "We refunded $7.00". On an order paid through PayPal it says PayPal returns it.
// The customer's DM follows the same rule: "We refunded" only for what the processor returns; what the shop returns
// by hand is "The shop is sending $7.00 back to you by Venmo." (before, the DM said "We refunded $7.00" for money
// no one had sent yet), and a split says both parts, the by-hand one in plain words ("by PayPal", not the payment
// menu's "PayPal (manual)").
// The processor's part is sent by a job after the refund (payment.refund.send): /refund, the DM and the panel said
// "We refunded" / "The payment processor returns the money" while PayPal had not been asked yet (or refused). They
// now say it is being sent, and where the outcome shows: the history's "Refund sent through the payment processor"
// once PayPal took it; when PayPal refuses, "Refund NOT returned" in the history and in the admin channel.
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { factories } from '../helpers/factories.js';
import { MovableClock } from '../http/invoice/invoice-fixtures.js';
import { usePayPalApp } from '../http/invoice/paypal-fixtures.js';
import { commandInteraction, interact, member, textOf, type Harness } from './harness.js';
import { PROCESSOR_REFUND_OUTCOME } from '../../src/modules/refunds/refund-money-back.js';
import { PROCESSOR_REFUND_AUDIT } from '../../src/modules/payments-processor/processor-refund.task.js';
import { auditTimelineOf } from '../../src/surfaces/admin/resources/audit-trail.js';
import { adminChannelTexts } from '../http/invoice/deleted-order-fixtures.js';
import { orderView } from '../../src/surfaces/admin/resources/order-view.js';
import { processorRefundOutcomes } from '../../src/modules/payments-processor/processor-refund-outcome.query.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, payPalOrder, startCheckout, paidPayPalOrder, discordApi } = usePayPalApp(clock);
const harness = () => ({ t: env.t, fake: discordApi() }) as unknown as Harness;

const auditOf = (orderId: string, action: string) => db.auditLog.findMany({ where: { entityType: 'Order', entityId: orderId, action } });

/** The order page's "Money back" of each refund's processor part, from the order and its audit trail as stored. */
async function processorMoneyBack(tenantId: string, orderId: string) {
  const detail = await env.t.services.orders.get(tenantId, orderId);
  const outcomes = await processorRefundOutcomes(db, tenantId, orderId);
  return orderView(detail, [], new Map(), 'UTC', [], new Date(), outcomes).refunds.map((r) => r.processorReturn);
}

async function asAdminOf(tenantId: string) {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const guild = await db.guild.findFirstOrThrow({ where: { tenantId } });
  return { guildId: guild.id, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
}

/** The description of the refund DM the customer got about order #`number` (waits for the worker to send it). */
async function refundDm(customerId: string, orderNumber: number): Promise<string> {
  const { discordUserId } = await db.customer.findUniqueOrThrow({ where: { id: customerId } });
  return waitFor(
    'the refund DM',
    async () =>
      discordApi()
        .directMessages()
        .filter((d) => d.userId === discordUserId)
        .map((d) => (d.body as { embeds?: { title?: string; description?: string }[] }).embeds?.[0])
        .find((e) => e?.title?.endsWith(`refund on order #${orderNumber}`))?.description,
  );
}

describe('/refund says who sends the money back', () => {
  it('an order paid by Venmo: no money was sent, the admin sends it back by Venmo and ticks it done', async () => {
    const s = await f.shop();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      paymentMethod: 'VENMO_P2P',
      status: 'PAID',
      paymentStatus: 'paid',
      lines: [{ productId: s.products[0]!.id, name: s.products[0]!.name, quantity: 2, unitPriceCents: 2500 }],
    });
    const as = await asAdminOf(s.tenant.id);
    const reply = textOf(await interact(harness(), commandInteraction(as, 'refund', { order: order.id, amount: 700 })));
    expect(reply).toContain('Refund of $7.00 recorded on order');
    // The panel's words (the spec's mode names), not the stored enum "PARTIAL_AMOUNT"; the status in words with the
    // spec's status name (PARTIALLY_REFUNDED, REFUNDED) an admin knows.
    expect(reply).toContain('Mode: Partial by amount\n');
    expect(reply).toContain('Order status: Partially refunded (PARTIALLY_REFUNDED)\n');
    expect(reply).not.toMatch(/PARTIAL_AMOUNT/);
    expect(reply).toContain(
      "**No money was sent**: send $7.00 back to the customer by Venmo, then tick it done on the order's page in the admin panel.",
    );
    expect(reply).not.toContain('payment processor');
    expect(await db.refund.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ manualReturnMethod: 'VENMO_P2P' });

    const dm = await refundDm(s.customer.id, order.number);
    expect(dm).toContain('The shop is sending **$7.00** back to you by Venmo.');
    expect(dm).not.toContain('We refunded');
  });

  it('an order paid through PayPal: the money is being sent to PayPal, and the history says when PayPal took it', async () => {
    const shop = await paidPayPalOrder();
    const as = await asAdminOf(shop.tenant.id);
    // PayPal holds its answer: the refund job has not recorded the refund as sent while the answers are read.
    const release = env.paypal.holdNextRefundAnswer();
    try {
      const reply = textOf(await interact(harness(), commandInteraction(as, 'refund', { order: shop.order.id, amount: 1000 })));
      expect(reply).toContain('Refund of $10.00 recorded on order');
      expect(reply).toContain(
        `**$10.00 is being sent to the payment processor**, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME}`,
      );
      expect(PROCESSOR_REFUND_OUTCOME).toBe(
        'Once it is, the order\'s history says "Refund sent through the payment processor". If the processor refuses it or cannot be reached, the history says "Refund NOT returned by the payment processor: return the money another way" and the admin channel is told.',
      );
      expect(reply).not.toContain('No money was sent');

      const dm = await refundDm(shop.order.customerId, shop.order.number);
      expect(dm).toContain('A refund of **$10.00** on your order is being returned to you through your online payment.');
      expect(dm).not.toContain('We refunded');
      expect(dm).not.toContain('The shop is sending');
      expect(await auditOf(shop.order.id, PROCESSOR_REFUND_AUDIT.sent)).toHaveLength(0);
      // The order page said "Through the payment processor" whatever had become of it.
      expect(await processorMoneyBack(shop.tenant.id, shop.order.id)).toEqual(['Being sent to the payment processor']);
    } finally {
      release();
    }
    // PayPal answers: the job records it, and the order's history says so in the words the answer named.
    await waitFor(
      'the refund recorded as sent',
      async () => (await auditOf(shop.order.id, PROCESSOR_REFUND_AUDIT.sent)).length || undefined,
    );
    const { timeline: history } = await auditTimelineOf(env.t.services, shop.tenant.id, 'Order', shop.order.id);
    expect(history.map((e) => e.what)).toContain('Refund sent through the payment processor');
    expect(await processorMoneyBack(shop.tenant.id, shop.order.id)).toEqual(['Sent through the payment processor']);
    expect(adminChannelTexts(discordApi(), shop.tenant.adminChannelId!).join('\n')).not.toContain('Refund NOT returned');
  });

  it('PayPal refuses the refund: the history and the admin channel say it was NOT returned', async () => {
    const shop = await paidPayPalOrder();
    const as = await asAdminOf(shop.tenant.id);
    env.paypal.failRefunds('reject');
    const reply = textOf(await interact(harness(), commandInteraction(as, 'refund', { order: shop.order.id, amount: 1000 })));
    expect(reply).toContain('**$10.00 is being sent to the payment processor**');

    const alert = await waitFor('the admin channel alert', async () =>
      adminChannelTexts(discordApi(), shop.tenant.adminChannelId!).find((t) =>
        t.includes(`Refund NOT returned: order #${shop.order.number}`),
      ),
    );
    expect(alert).toContain('**Return the money to the customer another way.**');
    const { timeline: history } = await auditTimelineOf(env.t.services, shop.tenant.id, 'Order', shop.order.id);
    expect(history.map((e) => e.what)).toContain('Refund NOT returned by the payment processor: return the money another way');
    expect(history.map((e) => e.what)).not.toContain('Refund sent through the payment processor');
    expect(await processorMoneyBack(shop.tenant.id, shop.order.id)).toEqual([
      'NOT returned by the payment processor: return it another way',
    ]);
  });

  it('an order paid $10.00 by hand and $32.50 through PayPal, refunded in full: the DM tells both parts', async () => {
    const shop = await payPalOrder({ paymentStatus: 'pending' });
    const as = await asAdminOf(shop.tenant.id);
    // The admin records $10.00 received by hand; the customer pays the remaining $32.50 with PayPal.
    const receipt = textOf(await interact(harness(), commandInteraction(as, 'payment-confirm', { orderid: shop.order.id, amount: 1000 })));
    expect(receipt).toContain('$10.00');
    const { paypalOrderId, checkout } = await startCheckout(shop.path);
    expect(checkout.amountCents).toBe(3250);
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    expect((await db.order.findUniqueOrThrow({ where: { id: shop.order.id } })).status).toBe('PAID');

    const reply = textOf(await interact(harness(), commandInteraction(as, 'refund', { order: shop.order.id })));
    expect(reply).toContain('Refund of $42.50 recorded on order');
    expect(reply).toContain('Mode: Full refund\n');
    expect(reply).toContain('Order status: Refunded (REFUNDED)\n');
    expect(await db.refund.findFirstOrThrow({ where: { orderId: shop.order.id } })).toMatchObject({
      amountCents: 4250,
      manualReturnMethod: 'PAYPAL_MANUAL',
      manualReturnCents: 1000,
    });

    // The page tells each part: the processor's (being sent, or sent once the job ran) and the by-hand to-do.
    expect((await processorMoneyBack(shop.tenant.id, shop.order.id))[0]).toMatch(
      /^\$32\.50: (being sent to the payment processor|sent through the payment processor)$/,
    );
    const dm = await refundDm(shop.order.customerId, shop.order.number);
    expect(reply).toContain(
      `**$32.50 is being sent to the payment processor**, what it took. ${PROCESSOR_REFUND_OUTCOME} The rest was paid by hand:`,
    );
    expect(dm).toContain(
      'A refund of **$42.50** on your order: **$32.50** is being returned to you through your online payment, and the shop is sending the other **$10.00** back to you by PayPal.',
    );
    // The payment menu's "PayPal (manual)" (and the panel's) is not what a customer reads about money sent to them.
    expect(dm).not.toContain('(manual)');
  });
});
