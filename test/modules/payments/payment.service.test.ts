// payments.confirm / payments.reject against a real PostgreSQL, including concurrent calls.
import { describe, expect, it } from 'vitest';
import { EVENTS, TASKS } from '../../../src/modules/shared/events.js';
import { AppError } from '../../../src/platform/errors.js';
import { testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { adminCtx, afterSale, eventJob, queuedJobs } from '../refunds/after-sale.harness.js';

const db = testDb(60);
const f = factories(db);
const s = afterSale(db);

/** A paid-able order: product A grants two roles and tracks stock (2 reserved, 3 left), product B nothing. */
async function pendingOrder() {
  const { tenant, guild, customer } = await f.shop();
  const roles = [snowflake(), snowflake()];
  const a = await f.product({ tenantId: tenant.id, unitPriceCents: 2500, grantedRoleIds: roles, trackStock: true, stock: 3 });
  const b = await f.product({ tenantId: tenant.id, unitPriceCents: 500 });
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    guildId: guild.id,
    lines: [
      { productId: a.id, quantity: 2, unitPriceCents: 2500 },
      { productId: b.id, quantity: 1, unitPriceCents: 500 },
    ],
  });
  await f.reservation({ tenantId: tenant.id, orderId: order.id, productId: a.id, quantity: 2 });
  return { tenant, customer, guild, a, b, order, roles, ctx: adminCtx(tenant.id) };
}

async function jobsFor(orderId: string, task: string) {
  return (await queuedJobs(db, task)).filter((j) => j.payload.orderId === orderId);
}

async function grantJobsFor(orderId: string) {
  const ids = (await db.entitlement.findMany({ where: { orderId }, select: { id: true } })).map((e) => e.id);
  return (await queuedJobs(db, TASKS.roleAdd)).filter((j) => ids.includes(j.payload.entitlementId as string));
}

async function expectAppError(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

describe('payments.confirm', () => {
  it('moves PENDING_PAYMENT to PAID, marks the payment paid, grants each role once and enqueues order.paid', async () => {
    const { order, ctx, roles, a } = await pendingOrder();
    const res = await s.payments.confirm(ctx, { orderId: order.id });

    expect(res.changed).toBe(true);
    expect(res.order.status).toBe('PAID');
    expect(res.order.paidAt).toBeInstanceOf(Date);
    expect(res.payment).toMatchObject({ id: order.payment.id, status: 'paid', confirmedByType: 'PANEL_ADMIN', confirmedById: 'adm_test' });
    const ents = await db.entitlement.findMany({ where: { orderId: order.id } });
    expect(ents.map((e) => e.roleId).sort()).toEqual([...roles].sort());
    expect(ents.every((e) => e.productId === a.id && e.status === 'GRANTED')).toBe(true);
    expect(await grantJobsFor(order.id)).toHaveLength(2);
    const paidJobs = await jobsFor(order.id, eventJob(EVENTS.orderPaid));
    expect(paidJobs).toHaveLength(1);
    expect(paidJobs[0]!.payload).toEqual({ tenantId: ctx.tenantId, orderId: order.id, paymentId: order.payment.id });
    const audit = await s.audit.listFor(ctx.tenantId, 'Order', order.id);
    expect(audit.map((e) => e.action)).toEqual(['payment.confirmed']);
    expect(audit[0]).toMatchObject({
      actorType: 'PANEL_ADMIN',
      actorId: 'adm_test',
      before: { status: 'PENDING_PAYMENT' },
      after: { status: 'PAID' },
    });
  });

  it('accepts the payment id (the approve button) as well as the order id', async () => {
    const { order, ctx } = await pendingOrder();
    const res = await s.payments.confirm(ctx, { paymentId: order.payment.id });
    expect(res.changed).toBe(true);
    expect(res.order.status).toBe('PAID');
  });

  it('is idempotent: a second confirm changes nothing and enqueues nothing', async () => {
    const { order, ctx } = await pendingOrder();
    await s.payments.confirm(ctx, { orderId: order.id });
    const again = await s.payments.confirm(ctx, { paymentId: order.payment.id });
    expect(again.changed).toBe(false);
    expect(again.order.status).toBe('PAID');
    expect(again.payment.status).toBe('paid');
    expect(await jobsFor(order.id, eventJob(EVENTS.orderPaid))).toHaveLength(1);
    expect(await grantJobsFor(order.id)).toHaveLength(2);
    expect(await db.entitlement.count({ where: { orderId: order.id } })).toBe(2);
  });

  it('concurrent confirms make exactly one transition, one order.paid job and one grant per role', async () => {
    const { order, ctx } = await pendingOrder();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => s.payments.confirm(ctx, i % 2 ? { orderId: order.id } : { paymentId: order.payment.id })),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(results.every((r) => r.order.status === 'PAID')).toBe(true);
    expect(await jobsFor(order.id, eventJob(EVENTS.orderPaid))).toHaveLength(1);
    expect(await grantJobsFor(order.id)).toHaveLength(2);
    expect(await db.entitlement.count({ where: { orderId: order.id } })).toBe(2);
    expect((await s.audit.listFor(ctx.tenantId, 'Order', order.id)).filter((e) => e.action === 'payment.confirmed')).toHaveLength(1);
  });

  it('refuses a rejected (cancelled) order clearly and changes nothing', async () => {
    const { order, ctx } = await pendingOrder();
    await s.payments.reject(ctx, { paymentId: order.payment.id, reason: 'No funds received' });
    const err = await expectAppError(s.payments.confirm(ctx, { orderId: order.id }), 'ILLEGAL_STATE');
    expect(err.message).toMatch(/rejected \(No funds received\)/);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
    expect(await jobsFor(order.id, eventJob(EVENTS.orderPaid))).toHaveLength(0);
  });

  it('keeps tenants apart: another tenant cannot confirm, by order or by payment', async () => {
    const { order } = await pendingOrder();
    const other = await f.tenant();
    await expectAppError(s.payments.confirm(adminCtx(other.id), { orderId: order.id }), 'NOT_FOUND');
    await expectAppError(s.payments.confirm(adminCtx(other.id), { paymentId: order.payment.id }), 'NOT_FOUND');
    await expectAppError(s.payments.reject(adminCtx(other.id), { paymentId: order.payment.id, reason: 'x' }), 'NOT_FOUND');
    const after = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(after.status).toBe('PENDING_PAYMENT');
    expect(after.payments[0]!.status).toBe('awaiting_admin_approval');
    expect(await db.entitlement.count({ where: { orderId: order.id } })).toBe(0);
  });

  it('rejects a malformed reference', async () => {
    const { ctx } = await pendingOrder();
    await expectAppError(s.payments.confirm(ctx, {} as never), 'VALIDATION_FAILED');
  });
});

describe('payments.reject', () => {
  it('rejects the payment with its reason, cancels the order, releases stock and enqueues order.cancelled', async () => {
    const { order, ctx, a } = await pendingOrder();
    const res = await s.payments.reject(ctx, { paymentId: order.payment.id, reason: '  Payment never arrived ' });

    expect(res.changed).toBe(true);
    expect(res.order.status).toBe('CANCELLED');
    expect(res.order.cancelledAt).toBeInstanceOf(Date);
    expect(res.payment).toMatchObject({ status: 'rejected', rejectedReason: 'Payment never arrived' });
    expect((await db.product.findUniqueOrThrow({ where: { id: a.id } })).stock).toBe(5);
    const cancelled = await jobsFor(order.id, eventJob(EVENTS.orderCancelled));
    expect(cancelled.map((j) => j.payload)).toEqual([
      { tenantId: ctx.tenantId, orderId: order.id, reason: 'payment_rejected', note: 'Payment never arrived' },
    ]);
    const paymentAudit = await s.audit.listFor(ctx.tenantId, 'Payment', order.payment.id);
    expect(paymentAudit.map((e) => e.action)).toEqual(['payment.rejected']);
  });

  it('is idempotent: a second reject changes nothing, releases nothing twice', async () => {
    const { order, ctx, a } = await pendingOrder();
    await s.payments.reject(ctx, { paymentId: order.payment.id, reason: 'No funds' });
    const again = await s.payments.reject(ctx, { paymentId: order.payment.id, reason: 'No funds' });
    expect(again.changed).toBe(false);
    expect((await db.product.findUniqueOrThrow({ where: { id: a.id } })).stock).toBe(5);
    expect(await jobsFor(order.id, eventJob(EVENTS.orderCancelled))).toHaveLength(1);
  });

  it('refuses to reject a payment already confirmed (refund instead)', async () => {
    const { order, ctx, a } = await pendingOrder();
    await s.payments.confirm(ctx, { orderId: order.id });
    const err = await expectAppError(s.payments.reject(ctx, { paymentId: order.payment.id, reason: 'oops' }), 'ILLEGAL_STATE');
    expect(err.message).toMatch(/refund/i);
    const after = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(after.status).toBe('PAID');
    expect(after.payments[0]!.status).toBe('paid');
    expect((await db.product.findUniqueOrThrow({ where: { id: a.id } })).stock).toBe(3);
  });

  it('requires a reason', async () => {
    const { order, ctx } = await pendingOrder();
    await expectAppError(s.payments.reject(ctx, { paymentId: order.payment.id, reason: '   ' }), 'VALIDATION_FAILED');
  });

  it('confirm racing reject: exactly one wins and the order ends consistent', async () => {
    for (let round = 0; round < 5; round++) {
      const { order, ctx, a } = await pendingOrder();
      const settled = await Promise.allSettled([
        s.payments.confirm(ctx, { orderId: order.id }),
        s.payments.reject(ctx, { paymentId: order.payment.id, reason: 'race' }),
      ]);
      expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((loser.reason as AppError).code).toBe('ILLEGAL_STATE');
      const after = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
      const stock = (await db.product.findUniqueOrThrow({ where: { id: a.id } })).stock;
      if (after.status === 'PAID') {
        expect(after.payments[0]!.status).toBe('paid');
        expect(stock).toBe(3);
        expect(await db.entitlement.count({ where: { orderId: order.id } })).toBe(2);
      } else {
        expect(after.status).toBe('CANCELLED');
        expect(after.payments[0]!.status).toBe('rejected');
        expect(stock).toBe(5);
        expect(await db.entitlement.count({ where: { orderId: order.id } })).toBe(0);
      }
    }
  });
});
