// A refund Square takes and fails at once, its signed refund.updated FAILED reaching our webhook before the job
// that sent the refund has recorded it (Square answers RefundPayment, notifies at once, and the job's transaction
// commits after). Before, the webhook found no record of ours, recorded the event as nothing, and the job then
// recorded the refund as sent: the order said Refunded, the customer never got the money, and nobody was told.
// Now whichever comes first, the failure is recorded once and the admins are told once, on the live order (a
// refund an admin made through the REST API; money that could not pay the order) and on a deleted order's late
// money. The race is made deterministic by the fake Square holding its answer to the job's RefundPayment
// (holdNextRefundAnswer) while the test fails the refund and its notification is delivered and answered.
import { createHmac, randomUUID } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { PROCESSOR_REFUND_TASK } from '../../../src/modules/payments-processor/processor-refund.task.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminChannelTexts, cancelAndDeleteInPanel } from './deleted-order-fixtures.js';
import { chargeAtSquare, openSquareCheckout, paidSquareOrder, squareDashboardRefund, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env, discordApi } = useProvidersApp();

const adminTexts = (channelId: string) => adminChannelTexts(discordApi(), channelId);
const auditOf = (orderId: string, action: string) =>
  db.auditLog.findMany({ where: { entityType: 'Order', entityId: orderId, action }, orderBy: { createdAt: 'asc' } });

/**
 * Square's refund.updated for `refundId` with `status`, as a new notification (its own event id) signed as Square
 * signs one: base64(HMAC-SHA256(signature key, notification URL + body)), posted to the shop's webhook URL.
 */
async function notifyRefund(refundId: string, status: 'FAILED' | 'COMPLETED'): Promise<number> {
  const refund = env.square.refunds.get(refundId)!;
  const merchant = env.square.merchants.find((m) => m.merchantId === refund.merchantId)!;
  const { notificationUrl, signatureKey } = merchant.webhook!;
  const body = JSON.stringify({
    merchant_id: merchant.merchantId,
    type: 'refund.updated',
    event_id: randomUUID(),
    created_at: new Date().toISOString(),
    data: { type: 'refund', id: refundId, object: { refund: { ...refund.json, status, updated_at: new Date().toISOString() } } },
  });
  const signature = createHmac('sha256', signatureKey)
    .update(notificationUrl + body)
    .digest('base64');
  const res = await fetch(notificationUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature, 'square-version': '2026-09-16' },
    body,
  });
  return res.status;
}

/**
 * Runs `start` (which makes our refund job call RefundPayment) with Square's answer held; once the refund is made
 * at Square, fails it there (its refund.updated FAILED delivered and answered), checks nothing of ours recorded
 * the refund yet, then lets Square answer the job. Square's refund id.
 */
async function failedBeforeTheJobRecordsIt(
  start: () => Promise<unknown>,
  isOurs: (reason: string) => boolean,
  recorded: () => Promise<number>,
): Promise<string> {
  env.square.autoCompleteRefunds = false;
  const release = env.square.holdNextRefundAnswer();
  try {
    await start();
    const refund = await waitFor('the refund made at Square, its answer held', async () =>
      [...env.square.refunds.values()].find((r) => isOurs(String(r.json.reason ?? ''))),
    );
    await env.square.failRefund(refund.json.id);
    await env.square.idle();
    const delivered = env.square.outbox.deliveries.filter((d) => d.body.includes('"refund.updated"') && d.body.includes(refund.json.id));
    expect(delivered.map((d) => d.status)).toEqual([200]);
    expect(await recorded()).toBe(0); // the job still waits on Square's answer
    release();
    return refund.json.id;
  } finally {
    release();
    env.square.autoCompleteRefunds = true;
  }
}

describe('a Square refund that fails before our job has recorded it', () => {
  it('an admin refund (REST API): recorded as not returned, the order still shows the refund, the admins told once', async () => {
    const { tenant, order, paymentId } = await paidSquareOrder(env);
    const { key } = await env.t.services.apiKeys.create(adminCtx(tenant.id), 'refund key', 'READ_WRITE');
    let refundId = '';
    const providerRefundId = await failedBeforeTheJobRecordsIt(
      async () => {
        const res = await request(env.t.app)
          .post(`/api/orders/${order.id}/refunds`)
          .set({ authorization: `Bearer ${key}` })
          .send({ amountCents: 1000, reason: 'Broken' })
          .expect(201);
        refundId = res.body.refund.id;
      },
      (reason) => reason === `Broken [Ledgerline ${refundId}]`,
      async () => (await auditOf(order.id, 'payment.refund_sent')).length,
    );
    await waitForJobsDone({ tasks: [PROCESSOR_REFUND_TASK] });

    const sent = await auditOf(order.id, 'payment.refund_sent');
    expect(sent.map((e) => e.after)).toEqual([expect.objectContaining({ refundId, providerRefundId })]);
    const failed = await auditOf(order.id, 'payment.refund_failed');
    expect(failed.map((e) => e.after)).toEqual([
      expect.objectContaining({
        refundId,
        providerRefundId,
        amountCents: 1000,
        permanent: true,
        error: `SQUARE reported refund ${providerRefundId} as failed (refund.updated)`,
      }),
    ]);
    // What a refund the processor did not return means here: the books keep the refund, the money goes back by hand.
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 1000,
    });
    const alert = await waitFor('the admin alert', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes(`Refund NOT returned: order #${order.number}`)),
    );
    expect(alert).toContain('Return the money to the customer another way.');
    expect(alert).toContain(providerRefundId);
    expect(env.square.payments.get(paymentId)!.json.refunded_money?.amount ?? 0).toBe(0);

    // Square notifies again (a new event id), then a stale COMPLETED: nothing more is recorded or said, and the
    // COMPLETED is not taken for a refund made in Square's dashboard.
    expect(await notifyRefund(providerRefundId, 'FAILED')).toBe(200);
    expect(await notifyRefund(providerRefundId, 'COMPLETED')).toBe(200);
    await waitForJobsDone();
    expect(await auditOf(order.id, 'payment.refund_failed')).toHaveLength(1);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect(adminTexts(tenant.adminChannelId!).filter((t) => t.includes('Refund NOT returned'))).toHaveLength(1);
  });

  it("the failed refund returned in Square's dashboard afterwards is that refund's money, not a second refund", async () => {
    const { tenant, order, paymentId } = await paidSquareOrder(env);
    const { key } = await env.t.services.apiKeys.create(adminCtx(tenant.id), 'refund key', 'READ_WRITE');
    let refundId = '';
    await failedBeforeTheJobRecordsIt(
      async () => {
        const res = await request(env.t.app)
          .post(`/api/orders/${order.id}/refunds`)
          .set({ authorization: `Bearer ${key}` })
          .send({ amountCents: 1000, reason: 'Dented' })
          .expect(201);
        refundId = res.body.refund.id;
      },
      (reason) => reason === `Dented [Ledgerline ${refundId}]`,
      async () => (await auditOf(order.id, 'payment.refund_sent')).length,
    );
    await waitFor('the failure recorded', async () => (await auditOf(order.id, 'payment.refund_failed')).length === 1);
    // The admin does what the alert says: returns it, here in Square's dashboard.
    const dashboardRefundId = await squareDashboardRefund(env, paymentId, 1000);
    const notice = await waitFor('the notice', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes('refunded') && t.includes('outside Ledgerline')),
    );
    expect(notice).toContain(`Recorded as the money of refund ${refundId}`);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ refundedTotalCents: 1000 });
    const sent = (await auditOf(order.id, 'payment.refund_sent')).map((e) => e.after);
    expect(sent).toEqual([
      expect.objectContaining({ refundId }),
      expect.objectContaining({ refundId, providerRefundId: dashboardRefundId }),
    ]);
  });

  it('the job first, then the FAILED event twice (two event ids): recorded and announced once', async () => {
    const { tenant, order } = await paidSquareOrder(env);
    const { key } = await env.t.services.apiKeys.create(adminCtx(tenant.id), 'refund key', 'READ_WRITE');
    env.square.autoCompleteRefunds = false;
    try {
      const res = await request(env.t.app)
        .post(`/api/orders/${order.id}/refunds`)
        .set({ authorization: `Bearer ${key}` })
        .send({ amountCents: 700, reason: 'Late' })
        .expect(201);
      const sent = await waitFor('the refund recorded as sent', async () => (await auditOf(order.id, 'payment.refund_sent'))[0]);
      const providerRefundId = (sent.after as { providerRefundId: string }).providerRefundId;
      await env.square.failRefund(providerRefundId);
      await env.square.idle();
      expect(await notifyRefund(providerRefundId, 'FAILED')).toBe(200);
      await waitForJobsDone();
      const failed = await auditOf(order.id, 'payment.refund_failed');
      expect(failed.map((e) => e.after)).toEqual([expect.objectContaining({ refundId: res.body.refund.id, providerRefundId })]);
      expect(adminTexts(tenant.adminChannelId!).filter((t) => t.includes('Refund NOT returned'))).toHaveLength(1);
    } finally {
      env.square.autoCompleteRefunds = true;
    }
  });

  it('money that could not pay the order: FLAGGED once, the admins told to return it by hand', async () => {
    const { tenant, order, checkoutId } = await openSquareCheckout(env);
    const providerRefundId = await failedBeforeTheJobRecordsIt(
      // $10.00 of $42.50 arrives (a charge whose answer was lost): it cannot pay the order and is refunded.
      () => chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'underpaid', amountCents: 1000 }),
      (reason) => reason.endsWith(`[Ledgerline unapplied-${checkoutId}]`),
      async () => (await auditOf(order.id, 'payment.unapplied_refunded')).length,
    );
    await waitFor('the refund recorded', async () => (await auditOf(order.id, 'payment.unapplied_refunded')).length === 1);
    await waitForJobsDone();
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).unappliedAction).toBe('FLAGGED');
    const flagged = await auditOf(order.id, 'payment.unapplied_flagged');
    expect(flagged.map((e) => e.after)).toEqual([
      expect.objectContaining({ checkoutId, amountCents: 1000, error: expect.stringContaining(providerRefundId) }),
    ]);
    expect(adminTexts(tenant.adminChannelId!).filter((t) => t.includes('could NOT be returned'))).toHaveLength(1);
    expect(await notifyRefund(providerRefundId, 'FAILED')).toBe(200);
    await waitForJobsDone();
    expect(await auditOf(order.id, 'payment.unapplied_flagged')).toHaveLength(1);
  });

  it("a deleted order's late money: FLAGGED once, on the dashboard's to-do, the admins told", async () => {
    const { tenant, order, checkoutId } = await openSquareCheckout(env);
    await cancelAndDeleteInPanel(env, tenant.id, order.id);
    const providerRefundId = await failedBeforeTheJobRecordsIt(
      () => chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'raced the delete' }),
      (reason) => reason.endsWith(`[Ledgerline unapplied-${checkoutId}]`),
      async () => (await auditOf(order.id, 'payment.unapplied_refunded')).length,
    );
    await waitFor('the refund recorded', async () => (await auditOf(order.id, 'payment.unapplied_refunded')).length === 1);
    await waitForJobsDone();
    expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateMoneyAction).toBe('FLAGGED');
    const flagged = await auditOf(order.id, 'payment.unapplied_flagged');
    expect(flagged.map((e) => e.after)).toEqual([
      expect.objectContaining({ checkoutId, amountCents: 4250, orderDeleted: true, error: expect.stringContaining(providerRefundId) }),
    ]);
    const alerts = adminTexts(tenant.adminChannelId!).filter((t) => t.includes('could NOT be returned'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(`order #${order.number} was deleted before this payment arrived`);
    expect(await notifyRefund(providerRefundId, 'FAILED')).toBe(200);
    await waitForJobsDone();
    expect(await auditOf(order.id, 'payment.unapplied_flagged')).toHaveLength(1);
  });
});
