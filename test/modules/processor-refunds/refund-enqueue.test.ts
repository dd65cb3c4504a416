// The refund transaction decides how money goes back: a processor-paid order gets exactly one
// payment.refund.send job in the refund's own commit; a manually paid one gets none. No worker runs here,
// so the queue shows exactly what the transaction wrote.
import { afterAll, describe, expect, it } from 'vitest';
import { PROCESSOR_REFUND_TASK } from '../../../src/modules/payments-processor/processor-refund.task.js';
import { createTestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { queuedJobs } from '../refunds/after-sale.harness.js';
import { processorRefundSetup } from './processor-refund.fixture.js';

const db = testDb();
const t = await processorRefundSetup(db);
afterAll(async () => {
  await t.fake.stop();
});

const jobsFor = async (refundId: string) => (await queuedJobs(db, PROCESSOR_REFUND_TASK)).filter((j) => j.payload.refundId === refundId);

describe('refund of a processor-paid order', () => {
  it('enqueues one payment.refund.send job with the tenant and refund ids, and says the processor returns the money', async () => {
    const { order, ctx, tenant, captureId, payment } = await t.processorPaidOrder();
    expect(payment).toMatchObject({ providerReference: captureId, method: 'PAYPAL', status: 'paid' });

    const r = await t.s.refunds.refund(ctx, order.id, { amountCents: 1000 });
    expect(r.moneyReturn).toBe('processor');
    expect(await jobsFor(r.refund.id)).toEqual([
      { task: PROCESSOR_REFUND_TASK, payload: { tenantId: tenant.id, refundId: r.refund.id }, attempts: 0, lastError: null },
    ]);
    const [entry] = (await t.s.audit.listFor(tenant.id, 'Order', order.id)).filter((e) => e.action === 'order.refunded');
    expect(entry!.after).toMatchObject({ refundId: r.refund.id, moneyReturn: 'processor' });
    expect(t.paypal.refundRequests(captureId)).toHaveLength(0); // nothing is sent from inside the transaction
  });

  it('a replayed idempotency key returns the first refund and enqueues nothing more', async () => {
    const { order, ctx } = await t.processorPaidOrder();
    const first = await t.s.refunds.refund(ctx, order.id, { amountCents: 700, idempotencyKey: 'replay-key-1' });
    const again = await t.s.refunds.refund(ctx, order.id, { amountCents: 700, idempotencyKey: 'replay-key-1' });
    expect(again).toMatchObject({ replayed: true, moneyReturn: 'processor' });
    expect(again.refund.id).toBe(first.refund.id);
    expect(await jobsFor(first.refund.id)).toHaveLength(1);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('a refused refund (over the balance) rolls back and leaves no job', async () => {
    const { order, ctx } = await t.processorPaidOrder();
    const before = (await queuedJobs(db, PROCESSOR_REFUND_TASK)).length;
    await expect(t.s.refunds.refund(ctx, order.id, { amountCents: 6401 })).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_BALANCE' });
    expect(await queuedJobs(db, PROCESSOR_REFUND_TASK)).toHaveLength(before);
  });
});

describe('refund of a manually paid order', () => {
  it('a P2P payment enqueues nothing: the admin returns the money by hand', async () => {
    const { order, ctx } = await t.manuallyPaidOrder('VENMO_P2P');
    const before = (await queuedJobs(db, PROCESSOR_REFUND_TASK)).length;
    const r = await t.s.refunds.refund(ctx, order.id, {});
    expect(r.moneyReturn).toBe('manual');
    expect(r.order.status).toBe('REFUNDED');
    expect(await queuedJobs(db, PROCESSOR_REFUND_TASK)).toHaveLength(before);
  });

  it('a processor-backed method marked paid by an admin (no checkout id) is manual too', async () => {
    const { order, ctx } = await t.manuallyPaidOrder('PAYPAL');
    const before = (await queuedJobs(db, PROCESSOR_REFUND_TASK)).length;
    const r = await t.s.refunds.refund(ctx, order.id, { amountCents: 500 });
    expect(r.moneyReturn).toBe('manual');
    expect(await queuedJobs(db, PROCESSOR_REFUND_TASK)).toHaveLength(before);
  });
});

describe('composition root', () => {
  it('registers the payment.refund.send handler, with or without a processor configured', async () => {
    const plain = await createTestApp();
    expect(plain.services.bus.handlers().has(PROCESSOR_REFUND_TASK)).toBe(true);
    await plain.services.close();
  });
});
