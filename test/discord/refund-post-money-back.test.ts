// What the admins read about a refund's money while the processor's part is still being sent, once it was, and when
// it was refused:
// - /refund's answer was titled "Refunded $10.00 on order #N" while its body said the $10.00 was being sent to PayPal
//   (and PayPal had not been asked yet): the title now says the refund was recorded, as the body tells the money.
// - the order's admin post counted a processor refund's part as back with the customer as soon as the refund was made
//   (refund-money-back.ts returnedToCustomerCents), and was never edited when PayPal took or refused it. It now says
//   where the money stands from the refund job's records, as the order page's "Money back" does, and is edited when
//   the outcome is recorded (refund.processor_outcome).
// - a processor refund nothing is sending and no outcome was recorded for (made before the refund job existed, or its
//   job removed) read "Being sent to the payment processor" for ever; it now says there is no record of it being sent.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { MovableClock } from '../http/invoice/invoice-fixtures.js';
import { usePayPalApp } from '../http/invoice/paypal-fixtures.js';
import { postedAdminMessage, type PostedAdminMessage } from './admin-post.js';
import { commandInteraction, interact, member, textOf, type Harness } from './harness.js';
import { orderView } from '../../src/surfaces/admin/resources/order-view.js';
import { processorRefundOutcomes } from '../../src/modules/payments-processor/processor-refund-outcome.query.js';
import { PROCESSOR_REFUND_AUDIT } from '../../src/modules/payments-processor/processor-refund.task.js';
import { EVENTS } from '../../src/modules/shared/events.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, discordApi } = usePayPalApp(clock);
const harness = () => ({ t: env.t, fake: discordApi() }) as unknown as Harness;

type Post = { embeds: { title?: string; fields?: { name: string; value: string }[] }[] };
const decisionOf = (body: unknown) => (body as Post).embeds[0]?.fields?.find((f) => f.name === 'Decision')?.value ?? '';

/** A PayPal order of $42.50 with its admin post, paid through PayPal (the post edited to "paid"), and an admin. */
async function paidWithPost(): Promise<{
  shop: Awaited<ReturnType<typeof payPalOrder>>;
  posted: PostedAdminMessage;
  as: ReturnType<typeof admin>;
}> {
  const shop = await payPalOrder({ paymentStatus: 'pending' });
  const posted = await postedAdminMessage(env.t.services.bus, discordApi, shop.tenant.id, shop.order.id);
  const { paypalOrderId } = await startCheckout(shop.path);
  const back = new URL(env.paypal.approve(paypalOrderId));
  await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
  await env.paypal.settle();
  await posted.edit((b) => decisionOf(b).startsWith('Paid'));
  const guild = await db.guild.findFirstOrThrow({ where: { tenantId: shop.tenant.id } });
  return { shop, posted, as: admin(guild.id, shop.tenant.adminRoleIds[0]!) };
}
const admin = (guildId: string, role: string) => ({ guildId, user: member({ roles: [role] }) });

/** The order page's "Money back" of each refund's processor part, from the order and its records as stored. */
async function processorMoneyBack(tenantId: string, orderId: string) {
  const detail = await env.t.services.orders.get(tenantId, orderId);
  const outcomes = await processorRefundOutcomes(db, tenantId, orderId);
  return orderView(detail, [], new Map(), 'UTC', [], new Date(), outcomes).refunds.map((r) => r.processorReturn);
}

describe('a refund through PayPal, as /refund and the admin post tell it', () => {
  it('recorded, its $10.00 being sent, and the post says it was returned only once PayPal took it', async () => {
    const { shop, posted, as } = await paidWithPost();
    const release = env.paypal.holdNextRefundAnswer();
    try {
      const reply = textOf(await interact(harness(), commandInteraction(as, 'refund', { order: shop.order.id, amount: 1000 })));
      // Titled "Refunded $10.00 on order #…" while the body said the money was still being sent.
      expect(reply).toContain(`Refund of $10.00 recorded on order #${shop.order.number}`);
      expect(reply).not.toContain('Refunded $10.00');
      expect(reply).toContain('**$10.00 is being sent to the payment processor**');

      // The post, edited for the refund: the $10.00 is on its way, not back with the customer.
      const refunded = await posted.edit((b) => decisionOf(b).includes('refunded $10.00 of $42.50'));
      expect(decisionOf(refunded.body)).toContain('Money back: $10.00: being sent to the payment processor');
      expect(decisionOf(refunded.body)).not.toContain('returned to the customer');
    } finally {
      release();
    }
    // PayPal answers: the job records it sent, and the post is edited to say the money went back.
    const sent = await posted.edit((b) => decisionOf(b).includes('Money back: $10.00 returned to the customer'));
    expect(decisionOf(sent.body)).not.toContain('being sent');
    expect(await processorMoneyBack(shop.tenant.id, shop.order.id)).toEqual(['Sent through the payment processor']);
  });

  it('PayPal refuses it: the post says the $10.00 was NOT returned, to return it another way', async () => {
    const { shop, posted, as } = await paidWithPost();
    env.paypal.failRefunds('reject');
    await interact(harness(), commandInteraction(as, 'refund', { order: shop.order.id, amount: 1000 }));
    const refused = await posted.edit((b) => decisionOf(b).includes('NOT returned'));
    expect(decisionOf(refused.body)).toContain('Money back: **$10.00: NOT returned by the payment processor: return it another way**');
    expect(decisionOf(refused.body)).not.toContain('returned to the customer');
  });
});

describe('a processor refund with no job and no recorded outcome', () => {
  it('says there is no record of it being sent, not "being sent" for ever', async () => {
    const { shop, posted } = await paidWithPost();
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: shop.order.id, providerReference: { not: null } } });
    // As a refund made before the refund job existed: the row, and nothing sending it or recording what became of it.
    const refund = await env.t.services.db.$transaction(async (tx) => {
      const made = await tx.refund.create({
        data: {
          tenantId: shop.tenant.id,
          orderId: shop.order.id,
          paymentId: payment.id,
          mode: 'PARTIAL_AMOUNT',
          amountCents: 1000,
          actorType: 'DISCORD_ADMIN',
          createdAt: new Date('2026-11-20T10:00:00Z'),
        },
      });
      await tx.order.update({ where: { id: shop.order.id }, data: { status: 'PARTIALLY_REFUNDED', refundedTotalCents: 1000 } });
      return made;
    });
    expect(await db.auditLog.count({ where: { entityId: shop.order.id, action: PROCESSOR_REFUND_AUDIT.sent } })).toBe(0);
    expect(await processorMoneyBack(shop.tenant.id, shop.order.id)).toEqual([
      'No record of the payment processor sending it: check the payment at the processor',
    ]);
    // The post, refreshed: the $10.00 is not counted as back with the customer either.
    const refunded = { tenantId: shop.tenant.id, orderId: shop.order.id, refundId: refund.id, amountCents: 1000, productIds: [] };
    await env.t.services.bus.emit(db, EVENTS.orderRefunded, refunded);
    const edited = await waitFor('the post refreshed', async () =>
      decisionOf(posted.now()).includes('Money back') ? decisionOf(posted.now()) : undefined,
    );
    expect(edited).toContain('Money back: $10.00: no record of the payment processor sending it: check the payment at the processor');
    expect(edited).not.toContain('returned to the customer');
  });

  it('reads "being sent" while its job runs its last attempt, and unrecorded once that attempt has failed', async () => {
    const { shop } = await paidWithPost();
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: shop.order.id, providerReference: { not: null } } });
    const refund = await db.refund.create({
      data: {
        tenantId: shop.tenant.id,
        orderId: shop.order.id,
        paymentId: payment.id,
        mode: 'PARTIAL_AMOUNT',
        amountCents: 1000,
        actorType: 'DISCORD_ADMIN',
      },
    });
    // Its job, taken by a worker for its last attempt (graphile-worker counts an attempt when it takes the job): held
    // far in the future and locked, so this test's own worker leaves it alone.
    await db.$executeRaw`SELECT graphile_worker.add_job('payment.refund.send', json_build_object('refundId', ${refund.id}::text), run_at => now() + interval '1 day', max_attempts => 3)`;
    const lastAttempt = () =>
      db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, locked_at = now(), locked_by = 'a worker elsewhere'
        WHERE payload->>'refundId' = ${refund.id}`;
    await lastAttempt();
    expect(await processorMoneyBack(shop.tenant.id, shop.order.id)).toEqual(['Being sent to the payment processor']);
    // That attempt failed: the job stays, out of attempts and unlocked; nothing sends the money any more.
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE payload->>'refundId' = ${refund.id}`;
    expect(await processorMoneyBack(shop.tenant.id, shop.order.id)).toEqual([
      'No record of the payment processor sending it: check the payment at the processor',
    ]);
  });
});
