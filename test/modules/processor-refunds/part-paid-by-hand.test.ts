// An order paid in part by hand (a receipt the admin recorded) and the rest through the shop's PayPal: a full
// refund sends PayPal only what PayPal took, and the part paid by hand becomes the admin's by-hand to-do.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { processorRefundSetup, refundJobs } from './processor-refund.fixture.js';

const db = testDb(30);
const t = await processorRefundSetup(db);
let worker: WorkerHandle;
beforeAll(async () => {
  worker = await startWorker({ connectionString: testDatabaseUrl(), bus: t.s.bus, logger: t.s.logger, concurrency: 2, pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker?.stop();
  await t.paypal.stop();
});

it('$20.00 recorded by hand, $44.00 through PayPal, then refunds of $50.00 and $14.00: PayPal returns its $44.00, the $20.00 is a to-do', async () => {
  const { tenant, customer, guild } = await t.f.shop();
  const a = await t.f.product({ tenantId: tenant.id, name: 'Alpha', unitPriceCents: 6400 });
  const order = await t.f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    guildId: guild.id,
    paymentMethod: 'PAYPAL',
    totalCents: 6400,
    lines: [{ productId: a.id, name: 'Alpha', quantity: 1, unitPriceCents: 6400 }],
    paymentStatus: 'pending',
  });
  const ctx = adminCtx(tenant.id);
  const clientId = `AcL${randomBytes(6).toString('hex')}`;
  const clientSecret = `EL${randomBytes(12).toString('hex')}`;
  t.paypal.addApp(clientId, clientSecret);
  await t.connections.connect(ctx, {
    provider: 'PAYPAL',
    environment: 'sandbox',
    config: { clientId, webhookId: 'WH-UNUSED' },
    secrets: { clientSecret },
  });
  await t.connections.test(ctx, 'PAYPAL');
  await db.tenant.update({ where: { id: tenant.id }, data: { enabledPaymentMethods: ['PAYPAL', 'VENMO_P2P'] } });
  await t.s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 2000, note: 'venmo' });
  const { checkout } = await t.checkouts.start({
    tenantId: tenant.id,
    orderId: order.id,
    method: 'PAYPAL',
    returnUrl: (id) => `http://shop.test/r/${id}`,
    cancelUrl: 'http://shop.test/c',
  });
  expect(checkout.amountCents).toBe(4400);
  t.paypal.approve(checkout.providerCheckoutId!);
  const back = { tenantId: tenant.id, orderId: order.id, checkoutId: checkout.id, providerCheckoutId: checkout.providerCheckoutId! };
  expect(await t.checkouts.completeReturn(back)).toBe('paid');
  const captureId = (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).paymentReference!;

  // $50.00: PayPal can return all its $44.00 of it; $6.00 goes back by hand.
  const first = await t.s.refunds.refund(ctx, order.id, { amountCents: 5000, reason: 'most of it' });
  expect(first.refund).toMatchObject({ manualReturnMethod: 'PAYPAL_MANUAL', manualReturnCents: 600 });
  await waitFor('first job done', async () => (await refundJobs(db, first.refund.id)).length === 0);
  // $14.00 more: PayPal has nothing left to return, all of it goes back by hand (nothing is sent).
  const second = await t.s.refunds.refund(ctx, order.id, { reason: 'the rest' });
  expect(second).toMatchObject({
    moneyReturn: 'manual',
    refund: { amountCents: 1400, manualReturnMethod: 'PAYPAL_MANUAL', manualReturnCents: null },
  });
  await waitFor('second job done', async () => (await refundJobs(db, second.refund.id)).length === 0);

  expect(t.paypal.refundedCents(captureId)).toBe(4400);
  // The whole capture, with no amount (everything PayPal took), once; custom_id names our refund.
  expect(t.paypal.refundRequests(captureId).map((q) => q.body)).toEqual([{ custom_id: first.refund.id }]);
  const sent = await db.auditLog.findMany({ where: { entityId: order.id, action: 'payment.refund_sent' } });
  expect(sent.map((e) => e.after)).toEqual([
    expect.objectContaining({
      refundId: first.refund.id,
      amountCents: 4400,
      full: true,
      manualReturnCents: 600,
      manualReturnMethod: 'PAYPAL_MANUAL',
    }),
  ]);
  // Every cent recorded as refunded is either returned by PayPal or on the admin's by-hand list.
  expect(t.paypal.refundedCents(captureId) + 600 + 1400).toBe(6400);
  // Nothing is on its way through PayPal any more (the $14.00 was never sent there): the order can be deleted.
  await expect(t.s.orderAdmin.delete(ctx, order.id)).resolves.toBeTruthy();
  expect(await db.order.count({ where: { id: order.id } })).toBe(0);
});
