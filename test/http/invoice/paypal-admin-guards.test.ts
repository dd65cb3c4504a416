// What an admin may not do while a shop's PayPal money is on its way, through the REST API and the panel's
// actions over HTTP, against the fake PayPal on the wire:
// - mark the order paid by hand while its eCheck capture is PENDING (the ledger would refund the real money
//   when it cleared): refused with what to do, and the order is paid by PayPal when it clears;
// - delete a refunded order while its refund waits to be retried (PayPal answered 503): refused until the
//   refund was sent, so the job still finds it and the customer gets the money back; a refund with no job and no
//   recorded outcome (made before the refund job existed) sends nothing, so it does not hold the delete back.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { loggedIn } from '../../admin/admin-helpers.js';
import { refundJobs } from '../../modules/processor-refunds/processor-refund.fixture.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

async function surfaces(tenantId: string) {
  const { key } = await env.t.services.apiKeys.create(adminCtx(tenantId), 'test key', 'READ_WRITE');
  const admin = await loggedIn(env.base, (await f.adminUser({ tenantId })).email);
  return {
    auth: { authorization: `Bearer ${key}` },
    panel: {
      get: (path: string) => admin.agent.get(`/admin/api${path}`).set(admin.headers()),
      post: (path: string) => admin.agent.post(`/admin/api${path}`).set(admin.headers()),
    },
  };
}

describe('marking an order paid by hand while its PayPal eCheck is clearing', () => {
  it('is refused, and the eCheck pays the order when it clears (nothing refunded)', async () => {
    const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const { auth, panel } = await surfaces(tenant.id);
    const { paypalOrderId, checkout } = await startCheckout(path);
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('PENDING');

    const clearing =
      /A PayPal payment of \$42\.50 for this order is still clearing at PayPal .*it will mark order #\d+ paid when it settles/;
    const confirm = await request(env.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(auth).expect(409);
    expect(confirm.body.error).toMatchObject({ code: 'ILLEGAL_STATE', message: expect.stringMatching(clearing) });
    const marked = await panel.get(`/resources/Order/records/${order.id}/markAsPaid`);
    expect(marked.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(clearing) });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    env.paypal.clearPendingCapture(captureId);
    await env.paypal.settle();
    await waitFor(
      'the order to be paid by PayPal',
      async () => (await db.order.findFirst({ where: { id: order.id, status: 'PAID' } })) ?? undefined,
    );
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({
      state: 'PAID',
      unappliedAction: null,
    });
    expect(env.paypal.refundedCents(captureId)).toBe(0);
  });
});

describe('deleting an order whose PayPal refund waits for a retry', () => {
  it('is refused until the refund was sent; then the order can be deleted', async () => {
    const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const { auth, panel } = await surfaces(tenant.id);
    const { paypalOrderId } = await startCheckout(path);
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;

    env.paypal.failRefunds('5xx'); // the first attempt gets a 503
    const refunded = await request(env.t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(auth)
      .send({ reason: 'Changed their mind' })
      .expect(201);
    const refundId = refunded.body.refund.id as string;
    const [job] = await waitFor('the first attempt to fail', async () => {
      const rows = await refundJobs(db, refundId);
      return rows[0]?.attempts === 1 && !rows[0].locked_at ? rows : undefined;
    });

    const refused = await panel.post(`/resources/Order/records/${order.id}/delete`);
    expect(refused.body.notice).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/cannot be deleted yet\. A refund of \$42\.50 is still being sent through the payment processor/),
    });
    expect(await db.order.count({ where: { id: order.id } })).toBe(1);

    // The retry, now rather than after its backoff.
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE id = ${BigInt(job!.id)}`;
    await waitFor('the refund to reach PayPal', () => env.paypal.refundedCents(captureId) === 4250);
    await waitFor(
      'the refund to be recorded sent',
      async () => (await db.auditLog.count({ where: { entityId: order.id, action: 'payment.refund_sent' } })) === 1,
    );
    const deleted = await panel.post(`/resources/Order/records/${order.id}/delete`);
    expect(deleted.body.notice.message).toMatch(/was deleted/);
    expect(await db.order.count({ where: { id: order.id } })).toBe(0);
  });
});

describe('deleting an order whose PayPal refund has no job and no recorded outcome', () => {
  it('is not refused: nothing is sending that refund, so nothing needs the order', async () => {
    const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const { panel } = await surfaces(tenant.id);
    const { paypalOrderId } = await startCheckout(path);
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: order.id, providerReference: { not: null } } });
    // As a refund made before the refund job existed: the row, and nothing sending it or recording what became of it.
    const refund = await db.$transaction(async (tx) => {
      const made = await tx.refund.create({
        data: {
          tenantId: tenant.id,
          orderId: order.id,
          paymentId: payment.id,
          mode: 'FULL',
          amountCents: 4250,
          actorType: 'PANEL_ADMIN',
          createdAt: new Date('2026-11-20T10:00:00Z'),
        },
      });
      await tx.order.update({ where: { id: order.id }, data: { status: 'REFUNDED', refundedTotalCents: 4250 } });
      return made;
    });
    expect(await refundJobs(db, refund.id)).toHaveLength(0);

    // It read "A refund of $42.50 is still being sent through the payment processor" for ever.
    const deleted = await panel.post(`/resources/Order/records/${order.id}/delete`);
    expect(deleted.body.notice).toMatchObject({ type: 'success', message: expect.stringMatching(/was deleted/) });
    expect(await db.order.count({ where: { id: order.id } })).toBe(0);
  });
});
